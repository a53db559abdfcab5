using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.UnitTests.Customers;

public class TemporaryPasswordTests
{
    private const string Issued = "Tmp-7Qx-4kLm";

    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private static readonly SecretKeys Keys = new(new byte[32], [.. Enumerable.Range(1, 32).Select(i => (byte)i)], new byte[32]);
    private static readonly SecretKeys OtherKeys = new(new byte[32], [.. Enumerable.Range(2, 32).Select(i => (byte)i)], new byte[32]);

    private static readonly CredentialRecord WithTemporary = new()
    {
        CustomerId = "c-1",
        TemporaryPasswordMac = TemporaryPassword.Mac(Keys, Issued),
        TemporaryPasswordExpiresAt = Now.AddHours(24),
    };

    [Fact]
    public void Mac_KeyedHashOfThePassword_NeverThePasswordAndKeyDependent()
    {
        var mac = TemporaryPassword.Mac(Keys, Issued);

        Assert.Equal(32, mac.Length);
        Assert.DoesNotContain(Issued, System.Text.Encoding.UTF8.GetString(mac), StringComparison.Ordinal);
        Assert.NotEqual(mac, TemporaryPassword.Mac(OtherKeys, Issued));
        Assert.Equal(mac, TemporaryPassword.Mac(Keys, Issued));
    }

    [Theory]
    [InlineData(Issued, 0, TemporaryPasswordStatus.Valid)]
    [InlineData("tmp-7qx-4klm", 0, TemporaryPasswordStatus.Wrong)] // case matters: it is compared exactly
    [InlineData("Tmp-7Qx-4kL", 0, TemporaryPasswordStatus.Wrong)]
    [InlineData(Issued, 24, TemporaryPasswordStatus.Expired)] // at its end it no longer opens anything
    [InlineData("wrong", 24, TemporaryPasswordStatus.Wrong)] // a wrong guess stays a wrong guess after the end
    [InlineData(Issued, 23, TemporaryPasswordStatus.Valid)]
    public void Check_IssuedTemporaryPassword_StatusByPasswordAndTime(string presented, int hoursLater, TemporaryPasswordStatus expected)
    {
        Assert.Equal(expected, TemporaryPassword.Check(Keys, WithTemporary, presented, Now.AddHours(hoursLater)));
    }

    [Fact]
    public void Check_NoTemporaryPassword_NotIssuedWhateverThePassword()
    {
        var credentials = new CredentialRecord { CustomerId = "c-1", PasswordHash = "pw" };

        Assert.Equal(TemporaryPasswordStatus.NotIssued, TemporaryPassword.Check(Keys, credentials, Issued, Now));
        Assert.False(TemporaryPassword.Matches(Keys, credentials, Issued));
        Assert.False(TemporaryPassword.InForce(credentials, Now));
    }

    [Fact]
    public void Matches_UnderAnotherKey_False()
    {
        Assert.False(TemporaryPassword.Matches(OtherKeys, WithTemporary, Issued));
        Assert.True(TemporaryPassword.Matches(Keys, WithTemporary, Issued));
    }

    [Fact]
    public void InForce_ByExpiryAlone()
    {
        Assert.True(TemporaryPassword.InForce(WithTemporary, Now.AddHours(24).AddTicks(-1)));
        Assert.False(TemporaryPassword.InForce(WithTemporary, Now.AddHours(24)));
        Assert.False(TemporaryPassword.InForce(WithTemporary with { TemporaryPasswordExpiresAt = null }, Now));
    }
}
