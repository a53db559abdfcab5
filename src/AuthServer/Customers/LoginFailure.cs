namespace Recovery.AuthServer.Customers;

/// <param name="JustBlocked">True only on the failure that blocked the credentials.</param>
/// <param name="Blocked">The credentials are blocked after this failure (now or earlier).</param>
public readonly record struct LoginFailure(int FailedLogins, bool JustBlocked, bool Blocked);
