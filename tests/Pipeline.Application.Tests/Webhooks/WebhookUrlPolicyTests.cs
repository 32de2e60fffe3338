using Pipeline.Application.Webhooks;

namespace Pipeline.Application.Tests.Webhooks;

/// <summary>An endpoint's URL is judged without DNS: scheme, shape, and any address literal in any spelling Uri reads.</summary>
public sealed class WebhookUrlPolicyTests
{
    private static readonly WebhookOptions Azure = new();

    [Theory]
    [InlineData("https://hooks.example.com/pipeline")]
    [InlineData("https://hooks.example.com:8443/pipeline?x=1")]
    [InlineData("https://93.184.215.14/hook")]
    [InlineData("https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hook")]
    public void A_public_https_url_is_allowed(string url) => Assert.Null(WebhookUrlPolicy.Refusal(url, Azure));

    [Theory]
    [InlineData("http://hooks.example.com/pipeline")]
    [InlineData("ftp://hooks.example.com/")]
    [InlineData("https://user:pass@hooks.example.com/")]
    [InlineData("https://hooks.example.com/#fragment")]
    [InlineData("/relative/path")]
    [InlineData("")]
    [InlineData("https://127.0.0.1/")]
    [InlineData("https://127.1/")]
    [InlineData("https://2130706433/")]
    [InlineData("https://0x7f.1/")]
    [InlineData("https://0177.0.0.1/")]
    [InlineData("https://10.1.2.3/")]
    [InlineData("https://172.16.0.1/")]
    [InlineData("https://192.168.1.1/")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://168.63.129.16/")]
    [InlineData("https://100.64.0.1/")]
    [InlineData("https://0.0.0.0/")]
    [InlineData("https://[::1]/")]
    [InlineData("https://[::ffff:127.0.0.1]/")]
    [InlineData("https://[::ffff:a9fe:a9fe]/")]
    [InlineData("https://[fe80::1]/")]
    [InlineData("https://[fd00::1]/")]
    [InlineData("https://[64:ff9b::a00:1]/")]
    [InlineData("https://localhost/")]
    [InlineData("https://api.localhost/")]
    public void Anything_else_is_refused(string url) => Assert.NotNull(WebhookUrlPolicy.Refusal(url, Azure));

    [Fact]
    public void A_url_longer_than_the_limit_is_refused() =>
        Assert.NotNull(WebhookUrlPolicy.Refusal("https://hooks.example.com/" + new string('a', WebhookLimits.UrlLengthMax), Azure));

    [Fact]
    public void An_operator_may_allow_http_and_its_own_networks()
    {
        var local = new WebhookOptions { AllowHttp = true, AllowedNetworks = "127.0.0.0/8, 10.20.0.0/16" };
        Assert.Null(WebhookUrlPolicy.Refusal("http://127.0.0.1:8080/hook", local));
        Assert.Null(WebhookUrlPolicy.Refusal("http://localhost:8080/hook", new WebhookOptions { AllowHttp = true, AllowedNetworks = "127.0.0.0/8,::1/128" }));
        Assert.Null(WebhookUrlPolicy.Refusal("https://10.20.3.4/hook", local));
        Assert.NotNull(WebhookUrlPolicy.Refusal("https://10.21.3.4/hook", local));
        Assert.NotNull(WebhookUrlPolicy.Refusal("https://169.254.169.254/", local));
    }

    [Fact]
    public void A_network_that_is_not_cidr_stops_start_up()
    {
        var results = new WebhookOptions { AllowedNetworks = "10.0.0.0/8,not-a-network" }.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(new object()));
        Assert.Contains("not-a-network", Assert.Single(results).ErrorMessage, StringComparison.Ordinal);
    }
}
