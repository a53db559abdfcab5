namespace Recovery.AuthServer.Storage;

/// <param name="JustBlocked">True only on the failure that blocked the credentials.</param>
public readonly record struct LoginFailure(int FailedLogins, bool JustBlocked);
