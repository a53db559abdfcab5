namespace Recovery.AuthServer.Passwords;

/// <summary>What the meter shows and what ChangePassword decides: one function gives both.</summary>
public sealed record PasswordEvaluation(PasswordStrength Strength, IReadOnlyList<RuleResult> Unmet)
{
    public bool Acceptable => Unmet.All(r => !r.Required);

    public IEnumerable<PasswordRule> FailedRequired => Unmet.Where(r => r.Required).Select(r => r.Rule);
}
