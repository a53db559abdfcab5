using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// A one-slot Argon2 gate held full on purpose: <see cref="HoldAsync"/> measures a hash time of a second on the fake
/// clock, holds the gate's only slot and queues one hash of a given priority behind it, so that work of that priority
/// and below is predicted to wait 1.5 s (beyond the 0.5 s target) and work above it 0.5 s (within it). Nothing depends
/// on how long anything really takes. Release (or dispose) lets both hashes finish.
/// </summary>
internal sealed class HeldGate : IAsyncDisposable
{
    private readonly ManualResetEventSlim released = new();
    private readonly List<Task<bool>> hashes = [];

    private HeldGate()
    {
    }

    public static async Task<HeldGate> HoldAsync(Argon2Gate gate, FakeTimeProvider time, HashPriority priority = HashPriority.Fresh)
    {
        for (var i = 0; i < 4; i++)
        {
            await gate.RunAsync(() =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                return true;
            }, null, CancellationToken.None).WaitAsync(RecoveryApi.Timeout);
        }

        var held = new HeldGate();
        held.hashes.Add(gate.RunAsync(() => held.released.Wait(RecoveryApi.Timeout), null, CancellationToken.None));
        var giveUp = DateTime.UtcNow + RecoveryApi.Timeout;
        while (gate.Running != 1)
        {
            Assert.True(DateTime.UtcNow < giveUp, "The gate never took the held hash.");
            await Task.Delay(5);
        }

        held.hashes.Add(gate.RunAsync(() => true, null, CancellationToken.None, priority));
        Assert.Equal(TimeSpan.FromSeconds(1), gate.AverageHashTime);
        Assert.Equal(TimeSpan.FromSeconds(1.5), gate.PredictedWait(priority));
        return held;
    }

    public async Task ReleaseAsync()
    {
        released.Set();
        await Task.WhenAll(hashes).WaitAsync(RecoveryApi.Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        await ReleaseAsync();
        released.Dispose();
    }
}
