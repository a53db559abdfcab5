using System.Diagnostics;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Storage;

namespace Recovery.AuthServer.Otp;

/// <summary>
/// Limits wrong codes across challenges: each try takes one unit from its scopes' rolling windows
/// (<see cref="IWrongCodeLedger"/>) <em>before</em> the code is evaluated, and gives it back when the code
/// was right or never evaluated. A new recovery, operation or enrolment is a new challenge with tries of its
/// own; the scopes (card, document, customer) are what it cannot renew.
/// </summary>
public sealed class WrongCodeBudget(IWrongCodeLedger ledger, IRandomSource random, IOptions<OtpOptions> options, TimeProvider time)
{
    /// <summary>Longest a try waits for parallel tries of its scopes to settle before it is refused as if the budget were spent.</summary>
    public static readonly TimeSpan MaxBusyWait = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan BusyPoll = TimeSpan.FromMilliseconds(5);

    /// <param name="scopes">Keys that hold no secret in clear (keyed hashes, customer ids).</param>
    /// <param name="evaluate">
    /// Evaluates the code; its <see cref="VerifyResult.Counted"/> decides whether the unit is kept. It is given the unit it
    /// holds: an evaluation whose store step gives the unit back uncounted (<see cref="WrongCodeUnit.MarkGivenBack"/>)
    /// saves the settle, and <paramref name="whileSettling"/> then runs alone.
    /// </param>
    /// <param name="settled">What the challenge answers without evaluating anything, or null while a code could still win (see <see cref="OtpEngine.SettledAsync"/>).</param>
    /// <param name="whileSettling">
    /// Work that goes beside the ledger's settle once the code was evaluated (one round trip for both on a remote
    /// store), given the challenge's answer; its failure is the try's, the settle having run.
    /// </param>
    /// <param name="refusedFirst">
    /// The caller's own check (a card block), already sent, awaited with the first take so that both cost one round
    /// trip: when it says true nothing is evaluated, a unit taken meanwhile is given back, and the try is
    /// <see cref="CodeTry.Refused"/>.
    /// </param>
    public async Task<CodeTry> TryAsync(
        IReadOnlyList<string> scopes,
        int limit,
        Func<WrongCodeUnit, Task<VerifyResult>> evaluate,
        Func<Task<VerifyResult?>> settled,
        CancellationToken cancellationToken,
        Func<VerifyResult, Task>? whileSettling = null,
        Task<bool>? refusedFirst = null)
    {
        var window = options.Value.WrongCodeWindow;
        var token = Tokens.New(random);
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var taking = ledger.TakeAsync(scopes, token, limit, window, time.GetUtcNow(), cancellationToken);
            if (refusedFirst is not null)
            {
                await Task.WhenAll(taking, refusedFirst);
                if (await refusedFirst)
                {
                    if ((await taking).Granted)
                    {
                        await ledger.SettleAsync(scopes, token, counted: false, limit, window, time.GetUtcNow(), CancellationToken.None);
                    }

                    return new CodeTry(new VerifyResult(VerifyStatus.Closed), Refused: true);
                }

                refusedFirst = null;
            }

            var take = await taking;
            if (take.Granted)
            {
                break;
            }

            // Full of wrong codes: nothing is evaluated, whatever the code (a right one included).
            if (!take.Busy || Stopwatch.GetElapsedTime(started) > MaxBusyWait)
            {
                return new CodeTry(new VerifyResult(VerifyStatus.Closed), Exhausted: true, FullUntil: take.FreesAt);
            }

            // Full only because parallel tries are still being evaluated: they may give their units back. Meanwhile a
            // challenge that has settled (used, closed, burned) answers as it would have, with nothing evaluated.
            if (await settled() is { } answer)
            {
                return new CodeTry(answer);
            }

            // A real-time pause, not a reading of the injected clock: it only lets parallel calls finish.
            await Task.Delay(BusyPoll, cancellationToken);
        }

        return await EvaluateAsync(new WrongCodeUnit(scopes, token, limit, window), evaluate, whileSettling);
    }

    /// <summary>
    /// A new unit for a try whose take is made by a store step of the caller's (one that takes, evaluates and settles in
    /// one atomic step, such as <c>IOperationStore.TrySmsCodeAsync</c>): its token and this budget's window.
    /// </summary>
    public WrongCodeUnit NewUnit(IReadOnlyList<string> scopes, int limit) => new(scopes, Tokens.New(random), limit, options.Value.WrongCodeWindow);

    /// <summary>
    /// The rest of <see cref="TryAsync"/> for a unit already taken (by <see cref="TryAsync"/>, or by a store step that
    /// took it and left the evaluation to the caller): the code evaluated, then the unit settled with
    /// <paramref name="whileSettling"/> beside it, as <see cref="TryAsync"/> describes.
    /// </summary>
    public async Task<CodeTry> EvaluateAsync(WrongCodeUnit unit, Func<WrongCodeUnit, Task<VerifyResult>> evaluate, Func<VerifyResult, Task>? whileSettling = null)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(evaluate);
        var (scopes, token, limit, window) = (unit.Scopes, unit.Token, unit.Limit, unit.Window);
        VerifyResult result;
        try
        {
            result = await evaluate(unit);
        }
        catch
        {
            // Whether the code was evaluated is unknown: the unit stays as a wrong code (fails closed). If the store
            // cannot be reached either, the pending unit counts as wrong once it is older than the ledger's pending timeout.
            await SettleQuietlyAsync(scopes, token, limit, window);
            throw;
        }

        if (unit.GivenBack)
        {
            // Given back with the evaluation, in its store step: nothing left to settle, and nothing it could fill.
            if (result.Counted)
            {
                throw new InvalidOperationException("A unit given back uncounted cannot hold a counted code.");
            }

            if (whileSettling is not null)
            {
                await whileSettling(result);
            }

            return new CodeTry(result);
        }

        // Not cancellable: a client that hangs up must neither escape the count nor leave a pending unit behind.
        var settling = ledger.SettleAsync(scopes, token, result.Counted, limit, window, time.GetUtcNow(), CancellationToken.None);
        if (whileSettling is not null)
        {
            await Task.WhenAll(settling, whileSettling(result));
        }

        var s = await settling;
        return new CodeTry(result, JustFilled: s.JustFilled, FullUntil: s.FullUntil);
    }

    private async Task SettleQuietlyAsync(IReadOnlyList<string> scopes, string token, int limit, TimeSpan window)
    {
        try
        {
            await ledger.SettleAsync(scopes, token, counted: true, limit, window, time.GetUtcNow(), CancellationToken.None);
        }
        catch (StorageUnavailableException)
        {
            // The original failure is what the caller reports.
        }
    }
}
