namespace Recovery.AuthServer.Customers;

/// <summary>
/// Escalation of recovery blocks, the one source of the rule: each block doubles the one before, from the first block
/// up to the maximum, and lasts at least until a given floor. A customer's recovery block
/// (<see cref="ICustomerStore.BlockRecoveryAsync"/>) and a card's (the recovery store's <c>BlockCardAsync</c>) both
/// escalate by <see cref="Escalate"/>: the in-memory stores call it under their lock and the Redis scripts share one
/// Lua function that mirrors it (<c>Storage/Redis/RedisBlockEscalation</c>). The contract suite
/// <c>CustomerRuleContract</c> runs the same cases on this function and on both providers.
/// </summary>
public static class RecoveryBlock
{
    /// <summary>
    /// How long a card's block count is remembered after its block ends: one maximum block, plus a margin for clock
    /// skew between nodes. A card quiet that long starts over at the first block; one blocked again sooner gets a
    /// longer block, so an attacker cannot reset the escalation by waiting out a single block.
    /// </summary>
    public static TimeSpan CountRetention(TimeSpan maxBlock) => maxBlock + TimeSpan.FromMinutes(5);

    /// <summary>The next block after <paramref name="previousBlocks"/> earlier ones: until when, and the new count.</summary>
    public static (DateTimeOffset Until, int Blocks) Escalate(int previousBlocks, DateTimeOffset now, TimeSpan firstBlock, TimeSpan maxBlock, DateTimeOffset? atLeastUntil) =>
        (Until(now + Duration(previousBlocks, firstBlock, maxBlock), atLeastUntil), previousBlocks + 1);

    public static TimeSpan Duration(int previousLockouts, TimeSpan firstBlock, TimeSpan maxBlock)
    {
        // The exponent stops at 20 so the factor stays finite whatever the count; the maximum caps long before.
        var factor = Math.Pow(2, Math.Min(previousLockouts, 20));
        var ticks = Math.Min(firstBlock.Ticks * factor, maxBlock.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The later of the escalated end and <paramref name="atLeastUntil"/>.</summary>
    public static DateTimeOffset Until(DateTimeOffset escalated, DateTimeOffset? atLeastUntil) =>
        atLeastUntil is { } floor && floor > escalated ? floor : escalated;
}
