namespace Recovery.AuthServer.Customers;

/// <summary>What a password presented at login is with respect to the credentials' temporary password.</summary>
public enum TemporaryPasswordStatus
{
    /// <summary>No temporary password is in the credentials: the password in force is what counts.</summary>
    NotIssued = 1,

    /// <summary>A temporary password is there and this is not it: a wrong guess.</summary>
    Wrong = 2,

    /// <summary>This is the temporary password, but its lifetime is over: no wrong guess, and it opens nothing.</summary>
    Expired = 3,

    /// <summary>This is the temporary password, in force: it opens the change screen and nothing else.</summary>
    Valid = 4,
}
