using Microsoft.Extensions.Time.Testing;

namespace Recovery.AuthServer.UnitTests.TestSupport;

/// <summary>The fixed instant every test starts from: 2026-11-26 10:00 UTC (11:00 in Madrid).</summary>
internal static class TestClock
{
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Create() => new(Start);
}
