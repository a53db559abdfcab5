namespace Recovery.AuthServer.Otp;

/// <summary>One try at a code within the wrong-code budget of its scopes.</summary>
/// <param name="Result">The challenge's answer; Closed when <paramref name="Exhausted"/>.</param>
/// <param name="Exhausted">A scope already held its limit: the code was not evaluated.</param>
/// <param name="JustFilled">This wrong code filled a scope: the caller blocks what the scope protects, once.</param>
/// <param name="FullUntil">When a full scope frees a try (a block should last at least until then).</param>
/// <param name="Refused">The caller's own check, sent with the first take, refused the try: nothing was evaluated, and the unit was given back.</param>
public sealed record CodeTry(VerifyResult Result, bool Exhausted = false, bool JustFilled = false, DateTimeOffset? FullUntil = null, bool Refused = false);
