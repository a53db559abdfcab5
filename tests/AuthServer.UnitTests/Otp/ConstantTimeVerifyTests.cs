using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Otp;

/// <summary>
/// Does the time of a verify call depend on where a wrong code differs from the right one? Each test
/// times two calls (wrong at the first digit, wrong at the last) interleaved in pairs, in a seeded
/// random order within each pair, so drift, JIT tiering, GC and frequency scaling fall on both alike;
/// then a Mann–Whitney U test (rank-based, so the heavy right tail of timings does not dominate).
/// Under "no difference" the statistic is standard normal, and |z| &gt; 5 happens with probability
/// 5.7 × 10⁻⁷ per test; a leak is also required to be material (medians 10 % apart), because real
/// machines produce tiny systematic shifts unrelated to the code (see TimingComparison). Both arms
/// go through one delegate and the class runs outside the parallel test pool. The last test is the control that shows the
/// harness has the power to fail: a comparison with an early exit is caught far beyond the threshold.
/// </summary>
/// <remarks>
/// Why we expect nothing to find: the SMS code is never compared as digits. The store compares
/// HMAC(key, binding ‖ code) with the stored MAC; changing the first or the last digit changes the
/// whole MAC pseudo-randomly, so even a naive byte-by-byte comparison would exit at a position that
/// is independent of which digit was wrong. The TOTP window compares digits, but with
/// FixedTimeEquals on every step and no early exit. The test guards against a regression such as
/// comparing codes as strings before (or instead of) the MAC.
/// </remarks>
[Collection(TimingTests.Name)]
public class ConstantTimeVerifyTests
{
    private const int Pairs = 3000;
    private const double Threshold = 5.0;
    private const double MinimumShift = 0.10;
    private static readonly byte[] Secret = Encoding.ASCII.GetBytes("12345678901234567890");

    [Fact]
    public void TotpFindStep_WrongAtFirstVsLastDigit_NoTimingSignal()
    {
        const long step = 59_000_000;
        var right = TotpCode.Compute(Secret, step);
        var (first, last) = (WrongAt(right, 0), WrongAt(right, 5));
        Assert.Equal(-1, TotpCode.FindStep(Secret, first, step, 1));
        Assert.Equal(-1, TotpCode.FindStep(Secret, last, step, 1));

        var result = Compare(code => TotpCode.FindStep(Secret, code, step, 1), first, last);

        Assert.False(result.Leaks, result.ToString());
    }

    [Fact]
    public async Task SmsVerify_WrongAtFirstVsLastDigit_NoTimingSignal()
    {
        var time = TestClock.Create();
        var random = new ScriptedRandom(123456);
        var store = new InMemoryChallengeStore(time);

        // Limits raised far beyond what is valid in configuration so that thousands of wrong tries
        // keep exercising the comparison instead of answering "burned".
        var options = new OtpOptions { MaxAttemptsPerCode = int.MaxValue, MaxFailuresPerChallenge = int.MaxValue };
        var engine = new OtpEngine(store, new OtpCodeGenerator(random), TestKeys.Create(), random, Options.Create(options), time);
        var binding = OtpEngine.Binding("operation", "op-1");
        var code = (await engine.IssueAsync("c", binding, 6, deliverable: true, CancellationToken.None)).Code;
        var (first, last) = (WrongAt(code, 0), WrongAt(code, 5));

        // The in-memory store completes synchronously, so the awaited task is already done and the
        // timing is of the verify work itself.
        var result = Compare(c => engine.VerifyAsync("c", binding, c, CancellationToken.None).IsCompletedSuccessfully, first, last);

        Assert.False(result.Leaks, result.ToString());
    }

    [Fact]
    public void MannWhitneyZ_EarlyExitComparison_DetectsThePosition()
    {
        // The control: a comparison that stops at the first differing digit and does a little work
        // per matching digit (as a byte loop over a slow medium would). Wrong at the last digit
        // therefore costs more, and the same harness must say so.
        const string right = "755224";
        var (first, last) = (WrongAt(right, 0), WrongAt(right, 5));

        var result = Compare(code => LeakyEquals(right, code), first, last);

        Assert.True(result.Leaks && result.Z < 0, $"{result}: the harness failed to see an early exit, so its silence above proves nothing.");
    }

    /// <summary>
    /// Times one call on inputs <paramref name="a"/> and <paramref name="b"/>. The same delegate serves
    /// both, so the two arms differ only in their data: no JIT tier, inlining or code-alignment
    /// difference between two lambdas can pose as a signal.
    /// </summary>
    private static TimingComparison Compare<T>(Func<string, T> call, string a, string b)
    {
        // Enough calls for tiered compilation to reach its final code before measuring.
        for (var i = 0; i < 2000; i++)
        {
            call(a);
            call(b);
        }

        var order = new Random(20261126);
        var timesA = new long[Pairs];
        var timesB = new long[Pairs];
        for (var i = 0; i < Pairs; i++)
        {
            if (order.Next(2) == 0)
            {
                timesA[i] = Time(call, a);
                timesB[i] = Time(call, b);
            }
            else
            {
                timesB[i] = Time(call, b);
                timesA[i] = Time(call, a);
            }
        }

        return new TimingComparison(UStatisticZ(timesA, timesB), Median(timesA), Median(timesB));
    }

    private static long Time<T>(Func<string, T> call, string input)
    {
        var start = Stopwatch.GetTimestamp();
        GC.KeepAlive(call(input));
        return Stopwatch.GetTimestamp() - start;
    }

    private static double Median(long[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>
    /// A leak needs both a statistically sure difference (|z| beyond <see cref="Threshold"/>) and a
    /// material one (medians <see cref="MinimumShift"/> apart). With thousands of samples a rank test
    /// notices shifts of a few nanoseconds from causes that have nothing to do with the digit position
    /// (a core's frequency step, a neighbour's cache traffic); a comparison that exits early differs by
    /// whole percents or more, as the control test shows.
    /// </summary>
    private readonly record struct TimingComparison(double Z, double MedianA, double MedianB)
    {
        public double Shift => Math.Abs(MedianA - MedianB) / Math.Max(1, Math.Min(MedianA, MedianB));

        public bool Leaks => Math.Abs(Z) >= Threshold && Shift >= MinimumShift;

        public override string ToString() =>
            $"|z| = {Math.Abs(Z):F2} (threshold {Threshold}), median shift {Shift:P1} (threshold {MinimumShift:P0})";
    }

    private static double UStatisticZ(long[] a, long[] b)
    {
        var all = a.Select(t => (Time: t, IsA: true)).Concat(b.Select(t => (Time: t, IsA: false))).OrderBy(x => x.Time).ToArray();
        double n1 = a.Length, n2 = b.Length, n = all.Length;
        double rankSumA = 0, tieTerm = 0;
        for (var i = 0; i < all.Length;)
        {
            var j = i;
            while (j < all.Length && all[j].Time == all[i].Time)
            {
                j++;
            }

            // Tied timings share the average of their ranks (1-based).
            var averageRank = (i + 1 + j) / 2.0;
            for (var k = i; k < j; k++)
            {
                if (all[k].IsA)
                {
                    rankSumA += averageRank;
                }
            }

            double t = j - i;
            tieTerm += (t * t * t) - t;
            i = j;
        }

        var u = rankSumA - (n1 * (n1 + 1) / 2);
        var sigma = Math.Sqrt(n1 * n2 / 12 * ((n + 1) - (tieTerm / (n * (n - 1)))));
        return (u - (n1 * n2 / 2)) / sigma;
    }

    private static string WrongAt(string code, int position)
    {
        var chars = code.ToCharArray();
        chars[position] = (char)('0' + ((chars[position] - '0' + 5) % 10));
        return new string(chars);
    }

    private static bool LeakyEquals(string expected, string presented)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] != presented[i])
            {
                return false;
            }

            GC.KeepAlive(SHA256.HashData(Encoding.ASCII.GetBytes(expected)));
        }

        return true;
    }
}
