namespace Recovery.AuthServer.Customers;

public enum LoginTryStatus
{
    /// <summary>A try was taken: the password may be evaluated, then the try ends as a failure or a success.</summary>
    Taken = 1,

    /// <summary>The credentials are blocked: nothing is evaluated.</summary>
    Blocked = 2,

    /// <summary>Counted failures and tries under way already reach the maximum: nothing is evaluated.</summary>
    Exhausted = 3,
}
