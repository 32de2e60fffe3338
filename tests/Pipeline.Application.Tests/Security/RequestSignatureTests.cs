using System.Text;
using Pipeline.Application.Devices;

namespace Pipeline.Application.Tests.Security;

public sealed class RequestSignatureTests
{
    private const string Secret = "whsec_test";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"amount\":100}");

    [Fact]
    public void A_signature_over_timestamp_and_body_verifies()
    {
        var signature = RequestSignature.Sign(Secret, 1_790_000_000, Body);

        Assert.Equal(SignatureCheck.Valid, RequestSignature.Verify([Secret], "1790000000", signature, Body, Now).Check);
        Assert.Equal(64, signature.Length);
    }

    [Theory]
    [InlineData(300, SignatureCheck.Valid)]
    [InlineData(301, SignatureCheck.Stale)]
    [InlineData(-300, SignatureCheck.Valid)]
    [InlineData(-301, SignatureCheck.Stale)]
    public void The_timestamp_must_be_within_five_minutes_either_way(int skewSeconds, SignatureCheck expected)
    {
        var at = 1_790_000_000 + skewSeconds;
        var signature = RequestSignature.Sign(Secret, at, Body);

        Assert.Equal(expected, RequestSignature.Verify([Secret], at.ToString(System.Globalization.CultureInfo.InvariantCulture), signature, Body, Now).Check);
    }

    [Theory]
    [InlineData(null, "ab", SignatureCheck.Missing)]
    [InlineData("1790000000", null, SignatureCheck.Missing)]
    [InlineData("17900e0000", "00", SignatureCheck.Malformed)]
    [InlineData("-1790000000", "00", SignatureCheck.Malformed)]
    [InlineData("1790000000", "zz", SignatureCheck.Malformed)]
    public void Missing_and_malformed_parts_are_refused(string? timestamp, string? signature, SignatureCheck expected) =>
        Assert.Equal(expected, RequestSignature.Verify([Secret], timestamp, signature, Body, Now).Check);

    [Fact]
    public void Another_body_or_secret_does_not_verify()
    {
        var signature = RequestSignature.Sign(Secret, 1_790_000_000, Body);

        Assert.Equal(SignatureCheck.Mismatch, RequestSignature.Verify([Secret], "1790000000", signature, Encoding.UTF8.GetBytes("{\"amount\":1000}"), Now).Check);
        Assert.Equal(SignatureCheck.Mismatch, RequestSignature.Verify(["other"], "1790000000", signature, Body, Now).Check);
        Assert.Equal(SignatureCheck.Mismatch, RequestSignature.Verify([Secret], "1790000001", signature, Body, Now).Check);
    }

    [Fact]
    public void A_signature_verifies_in_either_hex_case_and_always_to_the_same_canonical_form()
    {
        var signature = RequestSignature.Sign(Secret, 1_790_000_000, Body);
        var mixed = string.Concat(signature.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : c));

        var lower = RequestSignature.Verify([Secret], "1790000000", signature, Body, Now);
        var upper = RequestSignature.Verify([Secret], "1790000000", signature.ToUpperInvariant(), Body, Now);
        var alternating = RequestSignature.Verify([Secret], "1790000000", mixed, Body, Now);

        Assert.Equal(signature, lower.Signature!.Hex);
        Assert.Equal(lower, upper);
        Assert.Equal(lower, alternating);
    }

    [Fact]
    public void Any_of_the_secrets_verifies_naming_which_and_a_refusal_has_no_canonical_signature()
    {
        var signature = RequestSignature.Sign("previous", 1_790_000_000, Body);

        var verified = RequestSignature.Verify(["current", "previous"], "1790000000", signature, Body, Now);

        Assert.Equal((SignatureCheck.Valid, 1), (verified.Check, verified.SecretIndex));
        Assert.Equal(new SignatureVerification(SignatureCheck.Mismatch, null), RequestSignature.Verify(["current"], "1790000000", signature, Body, Now));
        Assert.Equal(new SignatureVerification(SignatureCheck.Mismatch, null), RequestSignature.Verify([], "1790000000", signature, Body, Now));
    }

    [Fact]
    public void Header_parts_are_read_from_bank_and_device_formats()
    {
        Assert.Equal("abc", RequestSignature.Part("t=1790000000,v1=abc", "v1"));
        Assert.Equal("1790000000", RequestSignature.Part("t=1790000000, v1=abc", "t"));
        Assert.Equal("abc", RequestSignature.Part("v1=abc", "v1"));
        Assert.Null(RequestSignature.Part("v0=abc", "v1"));
        Assert.Null(RequestSignature.Part(null, "v1"));
    }
}
