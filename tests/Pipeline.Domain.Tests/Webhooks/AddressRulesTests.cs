using System.Net;
using Pipeline.Domain.Webhooks;

namespace Pipeline.Domain.Tests.Webhooks;

public sealed class AddressRulesTests
{
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("10.1.2.3")]
    [InlineData("100.64.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("169.254.169.254")] // the instance metadata service
    [InlineData("168.63.129.16")] // Azure's platform address
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.0.0.8")]
    [InlineData("192.168.1.1")]
    [InlineData("198.18.0.1")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::127.0.0.1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a9fe:a9fe")] // NAT64 of 169.254.169.254
    [InlineData("2002:7f00:1::")] // 6to4 of 127.0.0.1
    [InlineData("2001:0:4136:e378::1")] // Teredo
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("fe80::1")]
    [InlineData("fec0::1")]
    [InlineData("ff02::1")]
    public void Internal_addresses_are_refused(string address) =>
        Assert.True(AddressRules.IsForbidden(IPAddress.Parse(address), []), address);

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("168.63.129.17")]
    [InlineData("20.50.1.2")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")] // NAT64 of 8.8.8.8
    [InlineData("2002:808:808::")] // 6to4 of 8.8.8.8
    [InlineData("2606:4700::1111")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.False(AddressRules.IsForbidden(IPAddress.Parse(address), []), address);

    [Fact]
    public void An_operator_may_allow_a_network_and_only_that_network()
    {
        IPNetwork[] allowed = [IPNetwork.Parse("10.20.0.0/16"), IPNetwork.Parse("::1/128")];

        Assert.False(AddressRules.IsForbidden(IPAddress.Parse("10.20.3.4"), allowed));
        Assert.False(AddressRules.IsForbidden(IPAddress.Parse("::ffff:10.20.3.4"), allowed));
        Assert.False(AddressRules.IsForbidden(IPAddress.Parse("::1"), allowed));
        Assert.True(AddressRules.IsForbidden(IPAddress.Parse("10.21.0.1"), allowed));
        Assert.True(AddressRules.IsForbidden(IPAddress.Parse("127.0.0.1"), allowed));
        Assert.True(AddressRules.IsForbidden(IPAddress.Parse("169.254.169.254"), allowed));
    }

    [Theory]
    [InlineData("http://2130706433/")] // 127.0.0.1 as one number
    [InlineData("http://0x7f.1/")]
    [InlineData("http://0177.0.0.1/")]
    [InlineData("http://127.1/")]
    [InlineData("http://[::ffff:7f00:1]/")]
    public void The_other_spellings_of_an_address_in_a_url_are_read_as_the_address_they_are(string url)
    {
        var uri = new Uri(url);
        Assert.True(uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6, $"{url} is read as {uri.HostNameType}");
        Assert.True(AddressRules.IsForbidden(IPAddress.Parse(uri.IdnHost.Trim('[', ']')), []), $"{url} → {uri.IdnHost}");
    }
}
