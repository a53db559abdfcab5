namespace Recovery.AuthServer.Otp;

/// <param name="Challenge">The updated challenge when reissued; the current one when too soon.</param>
public readonly record struct ReissueResult(ReissueStatus Status, Challenge? Challenge = null);
