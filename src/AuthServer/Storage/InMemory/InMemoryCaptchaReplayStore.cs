using System.Collections.Concurrent;
using Recovery.AuthServer.Captcha;

namespace Recovery.AuthServer.Storage.InMemory;

public sealed class InMemoryCaptchaReplayStore(TimeProvider time) : ICaptchaReplayStore
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> used = new(StringComparer.Ordinal);
    private readonly ExpirySweeper sweeper = new(time);
    private readonly Lock gate = new();

    public Task<bool> TryUseAsync(string tokenHash, DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        sweeper.Sweep(used, expiresAt => expiresAt);

        // Check and record under one lock: of any number of concurrent callers with one token exactly one is first.
        lock (gate)
        {
            if (used.TryGetValue(tokenHash, out var expiresAt) && expiresAt > now)
            {
                return Task.FromResult(false);
            }

            used[tokenHash] = now + lifetime;
            return Task.FromResult(true);
        }
    }
}
