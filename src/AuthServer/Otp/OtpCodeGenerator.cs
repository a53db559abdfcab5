using System.Globalization;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Otp;

/// <summary>Uniform random decimal codes from the injected CSPRNG (no modulo bias: GetInt32 rejects).</summary>
public sealed class OtpCodeGenerator(IRandomSource random)
{
    private static readonly int[] Powers = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

    public string Next(int digits) =>
        random.NextInt32(Powers[digits]).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
}
