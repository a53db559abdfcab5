namespace Recovery.AuthServer.Customers;

/// <param name="FailedBefore">Failures counted when the try was taken; a success clears those (and only those).</param>
public readonly record struct LoginTryStart(LoginTryStatus Status, int FailedBefore);
