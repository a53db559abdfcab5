namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// The one Lua copy of <see cref="Customers.RecoveryBlock.Escalate"/>, shared by the scripts that block a customer's
/// recovery (<see cref="RedisCustomerStore"/>) and a card (<see cref="RedisRecoveryStore"/>), so the doubling is
/// written once for Redis as it is once in C#.
/// </summary>
internal static class RedisBlockEscalation
{
    /// <summary>
    /// Defines <c>escalate(blocks, now, first, max, atLeast)</c> (times in Unix ms, spans in ms, <c>atLeast</c> 0 for
    /// none), returning until when (a number) and the new count. Mirrors <c>RecoveryBlock.Escalate</c>: the block
    /// doubles per earlier block (exponent capped at 20, as <c>RecoveryBlock.Duration</c>), up to the maximum, and
    /// lasts at least until the floor.
    /// </summary>
    public const string Lua = """
        local function escalate(blocks, now, first, max, atLeast)
          local duration = math.min(first * 2 ^ math.min(blocks, 20), max)
          return math.max(now + duration, atLeast), blocks + 1
        end
        """;
}
