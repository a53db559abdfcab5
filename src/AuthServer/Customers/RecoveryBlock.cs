namespace Recovery.AuthServer.Customers;

/// <summary>Escalation of recovery blocks: doubling from the first block up to the maximum.</summary>
public static class RecoveryBlock
{
    public static TimeSpan Duration(int previousLockouts, TimeSpan firstBlock, TimeSpan maxBlock)
    {
        var factor = Math.Pow(2, Math.Min(previousLockouts, 20));
        var ticks = Math.Min(firstBlock.Ticks * factor, maxBlock.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The later of the escalated end and <paramref name="atLeastUntil"/>.</summary>
    public static DateTimeOffset Until(DateTimeOffset escalated, DateTimeOffset? atLeastUntil) =>
        atLeastUntil is { } floor && floor > escalated ? floor : escalated;
}
