using System.Text;
using OtpNet;
using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.UnitTests.Otp;

public class TotpCodeTests
{
    // RFC 4226 appendix D and RFC 6238 appendix B seeds: the ASCII digits repeated to the hash's size.
    private static readonly byte[] Sha1Seed = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly byte[] Sha256Seed = Encoding.ASCII.GetBytes("12345678901234567890123456789012");
    private static readonly byte[] Sha512Seed = Encoding.ASCII.GetBytes("1234567890123456789012345678901234567890123456789012345678901234");

    [Theory]
    [InlineData(0, "755224")]
    [InlineData(1, "287082")]
    [InlineData(2, "359152")]
    [InlineData(3, "969429")]
    [InlineData(4, "338314")]
    [InlineData(5, "254676")]
    [InlineData(6, "287922")]
    [InlineData(7, "162583")]
    [InlineData(8, "399871")]
    [InlineData(9, "520489")]
    public void Compute_Rfc4226AppendixD_MatchesAndFindStepFindsTheCounter(long counter, string expected)
    {
        Assert.Equal(expected, TotpCode.Compute(Sha1Seed, counter));
        Assert.Equal(counter, TotpCode.FindStep(Sha1Seed, expected, counter, windowSteps: 0));
    }

    [Theory]
    [InlineData(59L, "94287082", "46119246", "90693936")]
    [InlineData(1111111109L, "07081804", "68084774", "25091201")]
    [InlineData(1111111111L, "14050471", "67062674", "99943326")]
    [InlineData(1234567890L, "89005924", "91819424", "93441116")]
    [InlineData(2000000000L, "69279037", "90698825", "38618901")]
    [InlineData(20000000000L, "65353130", "77737706", "47863826")]
    public void FindStep_Rfc6238AppendixB_EachAlgorithmFindsTheStepOfTheTime(long unixSeconds, string sha1, string sha256, string sha512)
    {
        var step = TotpCode.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

        Assert.Equal(unixSeconds / 30, step);
        foreach (var (seed, mode, code) in new[] { (Sha1Seed, OtpHashMode.Sha1, sha1), (Sha256Seed, OtpHashMode.Sha256, sha256), (Sha512Seed, OtpHashMode.Sha512, sha512) })
        {
            Assert.Equal(code, TotpCode.Compute(seed, step, mode, 8));
            Assert.Equal(step, TotpCode.FindStep(seed, code, step, windowSteps: 1, mode, 8));
        }
    }

    [Theory]
    [InlineData(-1, 1, true)]
    [InlineData(1, 1, true)]
    [InlineData(-2, 1, false)]
    [InlineData(2, 1, false)]
    [InlineData(-1, 0, false)]
    [InlineData(4, 4, true)]
    [InlineData(-5, 4, false)]
    public void FindStep_CodeOffsetFromNow_AcceptedOnlyWithinTheWindow(int offset, int window, bool accepted)
    {
        const long now = 59_000_000;
        var code = TotpCode.Compute(Sha1Seed, now + offset);

        var found = TotpCode.FindStep(Sha1Seed, code, now, window);

        // A different step of the window could share the code by chance (10^-6 per step); the vector is fixed, so it does not.
        Assert.Equal(accepted ? now + offset : -1, found);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("abcdef")]
    [InlineData("٧٥٥٢٢٤")] // Arabic-Indic digits that a lax parser would read as 755224
    public void FindStep_MalformedCode_NeverMatches(string code)
    {
        Assert.Equal(-1, TotpCode.FindStep(Sha1Seed, code, 0, windowSteps: 4));
    }
}
