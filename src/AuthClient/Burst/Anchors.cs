using System.Diagnostics;
using System.Globalization;

namespace Recovery.Client.Burst;

/// <summary>
/// The figures a burst is judged against, measured in the same run before it: the health-check rate and
/// the StartRecovery rate at the burst's concurrency, and the server's single-hash Argon2 time.
/// </summary>
/// <remarks>
/// <paramref name="phase"/> is told when each anchor starts, so that a reader of the progress (or a script sampling the
/// processes' CPU, benchmarks/burst/cpu-breakdown.py) can tell which phase a moment belongs to.
/// </remarks>
internal sealed class Anchors(
    RecoveryClient client, HealthProbe health, SyntheticCustomers customers, BurstSettings settings, RpcOutcomes outcomes, Func<string, Task> phase)
{
    public const string HealthRpc = "anchor: Health/Check";
    public const string StartRecoveryRpc = "anchor: StartRecovery (decoy card)";
    public const string LoginRpc = "anchor: Login (unknown user)";
    public const string SequentialHealthRpc = "anchor: Health/Check (sequential)";

    private static readonly TimeSpan MinimumWarmup = TimeSpan.FromMilliseconds(300);

    private int unknownLogins;

    public async Task<AnchorFigures> MeasureAsync(CancellationToken cancellationToken)
    {
        var healthRps = await RateAsync("health anchor", HealthRpc, _ => health.CheckAsync(cancellationToken), cancellationToken).ConfigureAwait(false);

        // Decoy cards take the same path and cost as a holder's (anti-enumeration makes them indistinguishable),
        // without sending an SMS or opening a recovery for a real customer.
        // With --captcha altcha each start also fetches and solves a challenge, as a real channel would.
        var startRps = await RateAsync("StartRecovery anchor", StartRecoveryRpc, async i => await client.StartRecoveryAsync(
            customers.DecoyCard(i), SyntheticCustomers.CardExpiry, customers.DecoyDocument(i),
            await CaptchaAnswer.ResolveAsync(client, settings.Captcha, cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);

        // The client cannot see inside the server: a wrong password for an unknown user code costs one Argon2
        // verify against the decoy hash plus one RPC; the sequential health-check median is that RPC's floor.
        await phase("single-hash samples").ConfigureAwait(false);
        var loginMs = await MedianAsync(LoginRpc, () => LoginUnknownAsync(cancellationToken)).ConfigureAwait(false);
        var floorMs = await MedianAsync(SequentialHealthRpc, () => health.CheckAsync(cancellationToken)).ConfigureAwait(false);
        var hashMs = Math.Max(loginMs - floorMs, 0.001);
        return new AnchorFigures(healthRps, startRps, loginMs, floorMs, hashMs);
    }

    private async Task LoginUnknownAsync(CancellationToken cancellationToken)
    {
        // A new unknown user code each time: the server keeps a wrong-password count for unknown codes too
        // (after 5 they answer CREDENTIALS_BLOCKED, like a real one) and limits Logins per user code.
        var userCode = customers.UnknownUserCode + (++unknownLogins).ToString(CultureInfo.InvariantCulture);
        try
        {
            await client.LoginAsync(userCode, "Ancla#Incorrecta!7", cancellationToken).ConfigureAwait(false);
        }
        catch (RecoveryClientException ex) when (ex.StatusCode == Grpc.Core.StatusCode.Unauthenticated && ex.Reason == "INVALID_CREDENTIALS")
        {
            // The expected answer: INVALID_CREDENTIALS, after the server verified against its decoy hash.
        }
    }

    /// <summary>Calls per second that <see cref="BurstSettings.Concurrency"/> workers complete in the anchor window.</summary>
    private async Task<double> RateAsync(string name, string rpc, Func<int, Task> call, CancellationToken cancellationToken)
    {
        await phase(name + ": warm-up").ConfigureAwait(false);
        // An unmeasured warm-up as long as the window: connection set-up and JIT are not what the anchor is about. The
        // server meets StartRecovery's code (the Redis scripts' callers, the rate limiter, the decoy path) for the first
        // time here and compiles it while the calls run, then again at higher tiers; a 0.3 s warm-up left much of that
        // inside the measured window, charged to StartRecovery and not to the health check, whose path is tiny.
        await LoopAsync(settings.AnchorDuration > MinimumWarmup ? settings.AnchorDuration : MinimumWarmup, call, null, cancellationToken)
            .ConfigureAwait(false);
        await phase(name + ": measuring").ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var completed = await LoopAsync(settings.AnchorDuration, call, rpc, cancellationToken).ConfigureAwait(false);
        return completed / clock.Elapsed.TotalSeconds;
    }

    private async Task<int> LoopAsync(TimeSpan duration, Func<int, Task> call, string? rpc, CancellationToken cancellationToken)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var next = -1;
        var completed = 0;
        var workers = Enumerable.Range(0, settings.Concurrency).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var i = Interlocked.Increment(ref next);
                try
                {
                    if (rpc is null)
                    {
                        await call(i).ConfigureAwait(false);
                    }
                    else
                    {
                        await outcomes.TimeAsync(rpc, async () => { await call(i).ConfigureAwait(false); return true; }).ConfigureAwait(false);
                        Interlocked.Increment(ref completed);
                    }
                }
                catch (RecoveryClientException)
                {
                    // Counted by the recorder (not in the warm-up); an anchor keeps going so one refusal does not void it.
                }
            }
        });
        await Task.WhenAll(workers).ConfigureAwait(false);
        return completed;
    }

    private async Task<double> MedianAsync(string rpc, Func<Task> call)
    {
        await call().ConfigureAwait(false); // warm-up, unmeasured
        var samples = new double[settings.Argon2Samples];
        for (var i = 0; i < samples.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await outcomes.TimeAsync(rpc, async () => { await call().ConfigureAwait(false); return true; }).ConfigureAwait(false);
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(samples);
        return samples[samples.Length / 2];
    }
}
