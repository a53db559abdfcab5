namespace Recovery.AuthServer.Customers;

public enum CredentialState
{
    Active,

    /// <summary>Blocked by consecutive wrong passwords; a recovery unblocks it.</summary>
    Blocked,
}
