using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests.Storage;

/// <summary>Every await in a store test has a timeout, so a hung Redis fails the test instead of the run.</summary>
internal static class Within
{
    public static Task<T> Timeout<T>(this Task<T> task) => task.WaitAsync(RecoveryApi.Timeout);

    public static Task Timeout(this Task task) => task.WaitAsync(RecoveryApi.Timeout);
}
