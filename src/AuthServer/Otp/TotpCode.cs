using System.Security.Cryptography;
using System.Text;
using OtpNet;

namespace Recovery.AuthServer.Otp;

/// <summary>
/// RFC 6238 time-based codes (HOTP over the 30-second time step, computed by Otp.NET) and their
/// verification over a window of steps.
/// </summary>
public static class TotpCode
{
    /// <summary>The RFC 6238 time step, fixed at 30 s: every authenticator app assumes it.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    /// <summary>Digits of the codes we enrol (the otpauth default, understood by every app).</summary>
    public const int Digits = 6;

    /// <summary>The time step containing <paramref name="time"/> (T = floor(unix seconds / 30)).</summary>
    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / (long)Step.TotalSeconds;

    /// <summary>The code of one step (RFC 4226 HOTP with the step as counter).</summary>
    public static string Compute(byte[] secret, long step, OtpHashMode mode = OtpHashMode.Sha1, int digits = Digits) =>
        new Hotp(secret, mode, digits).ComputeHOTP(step);

    /// <summary>
    /// The latest step in [current − window, current + window] whose code equals
    /// <paramref name="code"/>, or −1. Every step of the window is computed and compared in fixed
    /// time, with no early exit, so the time taken says neither whether nor where a code matched.
    /// </summary>
    public static long FindStep(byte[] secret, string code, long currentStep, int windowSteps, OtpHashMode mode = OtpHashMode.Sha1, int digits = Digits)
    {
        var hotp = new Hotp(secret, mode, digits);
        Span<byte> presented = stackalloc byte[digits];
        Span<byte> expected = stackalloc byte[digits];

        // A code of the wrong length or charset still goes through the whole window (against a value
        // that cannot match), so malformed input costs the same as a wrong code.
        var wellFormed = code.Length == digits && Encoding.ASCII.GetBytes(code, presented) == digits;
        long matched = -1;
        for (var step = currentStep - windowSteps; step <= currentStep + windowSteps; step++)
        {
            Encoding.ASCII.GetBytes(hotp.ComputeHOTP(step), expected);
            var equal = CryptographicOperations.FixedTimeEquals(expected, presented) & wellFormed;

            // Branch-free select: mask is all ones when equal, zero otherwise.
            var mask = -(long)(equal ? 1 : 0);
            matched = (step & mask) | (matched & ~mask);
        }

        CryptographicOperations.ZeroMemory(expected);
        return matched;
    }
}
