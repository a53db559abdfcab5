namespace Recovery.AuthServer.SharedTests.Storage;

/// <summary>Every await in a store test has a timeout, so a hung Redis fails the test instead of the run.</summary>
internal static class Within
{
    /// <summary>Generous: the suites run in parallel on two cores, the Redis ones against a real redis-server.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    public static Task<T> Timeout<T>(this Task<T> task) => task.WaitAsync(Limit);

    public static Task Timeout(this Task task) => task.WaitAsync(Limit);
}
