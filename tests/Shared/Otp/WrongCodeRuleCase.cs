using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.SharedTests.Otp;

/// <summary>
/// One row of <see cref="WrongCodeRuleCases"/>: given each scope's entries, a take or a settle of <paramref name="Token"/>
/// over <paramref name="Scopes"/> at <see cref="WrongCodeRuleCases.Now"/>, the expected answer and each scope's entries after.
/// </summary>
/// <param name="Expected">A <see cref="WrongCodeTake"/> (take) or a <see cref="WrongCodeSettled"/> (settle).</param>
/// <param name="Then">The entries inside the window after the step, per scope (a scope not named: none).</param>
internal sealed record WrongCodeRuleCase(
    string Name,
    IReadOnlyDictionary<string, WrongCodeEntry[]> Given,
    bool Settle,
    string[] Scopes,
    string Token,
    bool Counted,
    object Expected,
    IReadOnlyDictionary<string, WrongCodeEntry[]> Then)
{
    public override string ToString() => Name;
}
