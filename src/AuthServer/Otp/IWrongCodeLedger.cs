namespace Recovery.AuthServer.Otp;

/// <summary>
/// Wrong one-time codes counted across challenges, per scope (a card, an identity document, a customer's
/// signatures or enrolments), in a rolling window. A challenge alone limits the tries on itself; a new
/// recovery, operation or enrolment is a new challenge, so without this ledger each would bring fresh guesses.
/// </summary>
/// <remarks>
/// A try is taken <em>before</em> the code is evaluated, as a pending entry in every scope at once (all or none),
/// and settled afterwards: kept as a wrong code, or removed when the code was right or never evaluated. So N
/// parallel tries evaluate at most the limit, on one node or many. The rules are <see cref="WrongCodeRules"/>'s: a
/// provider only applies one of those steps atomically (the Lua scripts mirror the functions; one table of cases runs on both).
/// </remarks>
public interface IWrongCodeLedger
{
    /// <summary>
    /// Adds a pending entry <paramref name="token"/> to every scope unless one of them already holds
    /// <paramref name="limit"/> entries (wrong or pending) younger than <paramref name="window"/>.
    /// </summary>
    Task<WrongCodeTake> TakeAsync(IReadOnlyList<string> scopes, string token, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the pending entry <paramref name="token"/>: kept as a wrong code when <paramref name="counted"/>,
    /// otherwise removed. Says whether this made a scope hold <paramref name="limit"/> wrong codes.
    /// </summary>
    Task<WrongCodeSettled> SettleAsync(IReadOnlyList<string> scopes, string token, bool counted, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken);
}
