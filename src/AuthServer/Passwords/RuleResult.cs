namespace Recovery.AuthServer.Passwords;

/// <param name="Required">True for a rule that refuses the password; false for a recommendation.</param>
public sealed record RuleResult(PasswordRule Rule, bool Required);
