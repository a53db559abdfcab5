namespace Recovery.AuthServer.SharedTests.Storage;

/// <summary>Every store call in the contract suites is bounded, so a hung Redis fails a test instead of the run.</summary>
internal static class StoreTestExtensions
{
    public static Task<T> Within<T>(this Task<T> task) => task.Timeout();

    public static Task Within(this Task task) => task.Timeout();
}
