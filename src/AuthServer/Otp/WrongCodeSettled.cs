namespace Recovery.AuthServer.Otp;

/// <param name="JustFilled">This wrong code was the one that made a scope hold its limit (true for one settle only).</param>
/// <param name="FullUntil">When some scope holds its limit of wrong codes: when its oldest wrong code leaves the window and a try frees up.</param>
public readonly record struct WrongCodeSettled(bool JustFilled = false, DateTimeOffset? FullUntil = null);
