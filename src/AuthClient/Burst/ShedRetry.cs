namespace Recovery.Client.Burst;

/// <summary>
/// What a real channel does with a refused call: when the server sheds it (RESOURCE_EXHAUSTED, or UNAVAILABLE with
/// reason OVERLOADED: refused before anything changed) and advises a delay in RetryInfo, wait that long and send the
/// same call again, as long as the wait ends before the step's deadline (the customer's patience, or the life of the
/// code, password or ticket the call carries). Without RetryInfo, past that deadline, or for any other failure the
/// exception goes to the caller. Every attempt is timed and counted by <see cref="RpcOutcomes"/>.
/// </summary>
internal sealed class ShedRetry(RpcOutcomes outcomes, TimeProvider time)
{
    private int _retries;

    /// <summary>Calls sent again after a shed answer.</summary>
    public int Retries => Volatile.Read(ref _retries);

    /// <summary>Runs <paramref name="call"/> under <paramref name="rpc"/>, retrying shed answers until <paramref name="giveUpAt"/>.</summary>
    /// <exception cref="RecoveryClientException">The last answer, when it was not retried.</exception>
    public async Task<T> CallAsync<T>(string rpc, DateTimeOffset giveUpAt, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await outcomes.TimeAsync(rpc, call).ConfigureAwait(false);
            }
            catch (RecoveryClientException ex) when (RpcOutcomes.IsShedding(ex) && ex.RetryAfter is { } advised && time.GetUtcNow() + advised < giveUpAt)
            {
                Interlocked.Increment(ref _retries);
                await WaitAtLeastAsync(advised, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Timers may fire a tick early (they run on a millisecond clock); the advice is a floor, so wait out the rest.
    private async Task WaitAtLeastAsync(TimeSpan advised, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var left = advised;
        while (left > TimeSpan.Zero)
        {
            await Task.Delay(left, time, cancellationToken).ConfigureAwait(false);
            left = advised - time.GetElapsedTime(started);
        }
    }
}
