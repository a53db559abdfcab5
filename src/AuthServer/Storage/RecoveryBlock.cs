namespace Recovery.AuthServer.Storage;

/// <summary>Escalation of recovery blocks: doubling from the first block up to the maximum.</summary>
public static class RecoveryBlock
{
    public static TimeSpan Duration(int previousLockouts, TimeSpan firstBlock, TimeSpan maxBlock)
    {
        var factor = Math.Pow(2, Math.Min(previousLockouts, 20));
        var ticks = Math.Min(firstBlock.Ticks * factor, maxBlock.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
