namespace Recovery.AuthServer.Operations;

/// <summary>
/// The rules of an operation's stored state, one home for each: who may take a reference, which state may
/// follow which, how the call centre's card checks are counted. Pure functions of (state, input, now): the
/// in-memory store applies them under its lock, and each Lua script of the Redis store mirrors one of them
/// (the script says which). One table of cases runs on these functions, on the in-memory store and on Redis
/// (tests: <c>OperationRuleCases</c>).
/// </summary>
public static class OperationRules
{
    /// <summary>
    /// Whether <paramref name="operationId"/> may take a reference that <paramref name="hold"/> describes: free
    /// when nobody holds it, when its holder is closed or past its end (judged from <paramref name="now"/>), or
    /// when the holder is this very operation (a retried create is harmless).
    /// </summary>
    /// <remarks>
    /// A reference is what the customer reads out to the call centre: it must lead to exactly one open
    /// operation, or an agent could issue a code for someone else's change.
    /// </remarks>
    public static bool IsReferenceFree(ReferenceHold? hold, string operationId, DateTimeOffset now) =>
        hold is null || hold.OperationId == operationId || !hold.Open || hold.ExpiresAt <= now;

    /// <summary>
    /// Whether an operation in state <paramref name="current"/> may move to <paramref name="target"/>: only a
    /// pending operation completes, and only once, so that a signature, a cancel and an expiry racing each
    /// other end it in exactly one state.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is not a final state.</exception>
    public static bool CanComplete(OperationState current, OperationState target)
    {
        ThrowIfNotFinal(target);
        return current == OperationState.Pending;
    }

    /// <summary>Completing means reaching a final state; asking for Pending is a program error, not a transition.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is Pending or unknown.</exception>
    public static void ThrowIfNotFinal(OperationState target)
    {
        if (target is not (OperationState.Signed or OperationState.Cancelled or OperationState.Expired))
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "An operation completes only to Signed, Cancelled or Expired.");
        }
    }

    /// <summary>
    /// Takes one of <paramref name="max"/> card checks when <paramref name="used"/> have been used: Taken with the
    /// count including this one, or Exhausted with the count unchanged.
    /// </summary>
    /// <remarks>
    /// Taken before the card is compared, so the count bounds how many cards a caller can try against one
    /// reference, whatever the answers and however many agents try in parallel.
    /// </remarks>
    public static CardCheckTake TakeCardCheck(int used, int max) =>
        used >= max ? new CardCheckTake(CardCheckTakeStatus.Exhausted, used) : new CardCheckTake(CardCheckTakeStatus.Taken, used + 1);
}
