using System.Diagnostics;
using System.Globalization;
using Grpc.Core;

namespace Recovery.Client.Burst;

/// <summary>
/// Measures, in the same run as the burst, how many Argon2 verifies per second the server completes at full
/// parallelism: <see cref="BurstSettings.CapacityConcurrency"/> workers send Logins with a wrong password for user
/// codes nobody has. The server answers each with INVALID_CREDENTIALS after one verify against its decoy hash (the
/// anti-enumeration path costs what a real customer's costs), so answers per second are verifies per second, whatever
/// the machine's cores really deliver in parallel, with nothing estimated from a single sequential hash.
/// </summary>
/// <remarks><paramref name="phase"/> is told when the warm-up and the measured window start.</remarks>
internal sealed class CapacityProbe(
    RecoveryClient client, SyntheticCustomers customers, BurstSettings settings, RpcOutcomes outcomes, Func<string, Task> phase)
{
    public const string LoginRpc = "capacity: Login (unknown user)";

    private static readonly TimeSpan Warmup = TimeSpan.FromMilliseconds(300);

    private int next;

    public async Task<CapacityFigures> MeasureAsync(CancellationToken cancellationToken)
    {
        // Unmeasured: connections, JIT and the gate's first hashes are not the capacity.
        await phase("capacity probe: warm-up").ConfigureAwait(false);
        await LoopAsync(Warmup, counted: false, cancellationToken).ConfigureAwait(false);
        await phase("capacity probe: measuring").ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var (verifies, shed) = await LoopAsync(settings.CapacityWindow, counted: true, cancellationToken).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        var perSecond = verifies / seconds;
        return new CapacityFigures(
            settings.CapacityInFlight, seconds, verifies, shed, perSecond, settings.Argon2PerFlow, perSecond / settings.Argon2PerFlow);
    }

    private async Task<(int Verifies, int Shed)> LoopAsync(TimeSpan duration, bool counted, CancellationToken cancellationToken)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var verifies = 0;
        var shed = 0;
        var workers = Enumerable.Range(0, settings.CapacityInFlight).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (await LoginOnceAsync(counted, cancellationToken).ConfigureAwait(false))
                {
                    case true:
                        Interlocked.Increment(ref verifies);
                        break;
                    case false:
                        Interlocked.Increment(ref shed);
                        break;
                }
            }
        });
        await Task.WhenAll(workers).ConfigureAwait(false);
        return (verifies, shed);
    }

    /// <summary>True: the server verified (INVALID_CREDENTIALS); false: it shed the call; null: anything else (an error, counted).</summary>
    private async Task<bool?> LoginOnceAsync(bool counted, CancellationToken cancellationToken)
    {
        // A fresh unknown user code for every call: the server counts wrong passwords and Logins per user code, known
        // or not, and a code it has blocked would answer CREDENTIALS_BLOCKED without hashing.
        var userCode = customers.UnknownUserCode + "C" + Interlocked.Increment(ref next).ToString(CultureInfo.InvariantCulture);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await client.LoginAsync(userCode, "Capacidad#Incorrecta!7", cancellationToken).ConfigureAwait(false);
            if (counted)
            {
                outcomes.CountError(LoginRpc, "an unknown user code opened a session");
            }

            return null;
        }
        catch (RecoveryClientException ex) when (ex.StatusCode == StatusCode.Unauthenticated && ex.Reason == "INVALID_CREDENTIALS")
        {
            if (counted)
            {
                outcomes.Record(LoginRpc, Stopwatch.GetElapsedTime(started));
            }

            return true;
        }
        catch (RecoveryClientException ex)
        {
            if (counted)
            {
                outcomes.Count(LoginRpc, ex);
            }

            return RpcOutcomes.IsShedding(ex) ? false : null;
        }
    }
}
