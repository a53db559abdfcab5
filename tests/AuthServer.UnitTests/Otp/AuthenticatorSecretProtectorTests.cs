using Recovery.AuthServer.Otp;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Otp;

public class AuthenticatorSecretProtectorTests
{
    private static readonly byte[] Secret = Enumerable.Range(1, 20).Select(i => (byte)i).ToArray();

    private readonly AuthenticatorSecretProtector protector = new(TestKeys.Create(), new ScriptedRandom());

    [Fact]
    public void Unprotect_SameCustomerAndEnrollment_ReturnsTheSecret()
    {
        var blob = protector.Protect(Secret, "c-1", "e-1");

        Assert.Equal(Secret, protector.Unprotect(blob, "c-1", "e-1"));
        Assert.Equal(1 + 12 + 16 + Secret.Length, blob.Length);
        Assert.DoesNotContain(Convert.ToHexString(Secret), Convert.ToHexString(blob), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("c-2", "e-1")]
    [InlineData("c-1", "e-2")]
    public void Unprotect_MovedToAnotherCustomerOrEnrollment_Null(string customerId, string enrollmentId)
    {
        var blob = protector.Protect(Secret, "c-1", "e-1");

        Assert.Null(protector.Unprotect(blob, customerId, enrollmentId));
    }

    [Fact]
    public void Unprotect_OneBitFlipped_Null()
    {
        var blob = protector.Protect(Secret, "c-1", "e-1");
        blob[^1] ^= 1;

        Assert.Null(protector.Unprotect(blob, "c-1", "e-1"));
    }

    [Fact]
    public void Unprotect_AnotherCodeKey_Null()
    {
        var blob = protector.Protect(Secret, "c-1", "e-1");
        var other = new AuthenticatorSecretProtector(TestKeys.Create(codeKey: 9), new ScriptedRandom());

        Assert.Null(other.Unprotect(blob, "c-1", "e-1"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(29)]
    public void Unprotect_TooShort_NullNotException(int length)
    {
        Assert.Null(protector.Unprotect(new byte[length], "c-1", "e-1"));
    }
}
