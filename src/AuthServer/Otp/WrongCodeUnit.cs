namespace Recovery.AuthServer.Otp;

/// <summary>
/// The wrong-code unit one try holds while its code is evaluated (<see cref="WrongCodeBudget.TryAsync"/>), handed to the
/// evaluation so that a store step that ends the try without counting it can give the unit back in the same atomic step
/// (<see cref="IAuthenticatorStore.TryUseStepAndGiveBackAsync"/>: a matched TOTP time step, used or replayed, is never a
/// wrong code); the budget then sends no settle of its own, which saves a signature by app code a round trip.
/// </summary>
public sealed class WrongCodeUnit(IReadOnlyList<string> scopes, string token, int limit, TimeSpan window)
{
    /// <summary>The scopes the unit was taken from.</summary>
    public IReadOnlyList<string> Scopes { get; } = scopes;

    /// <summary>The try's token in the ledger.</summary>
    public string Token { get; } = token;

    /// <summary>The wrong codes the scopes allow within <see cref="Window"/>.</summary>
    public int Limit { get; } = limit;

    public TimeSpan Window { get; } = window;

    /// <summary>Whether a store step gave the unit back, uncounted, with the evaluation.</summary>
    public bool GivenBack { get; private set; }

    /// <summary>Called by the evaluation once its store step has given the unit back.</summary>
    public void MarkGivenBack() => GivenBack = true;
}
