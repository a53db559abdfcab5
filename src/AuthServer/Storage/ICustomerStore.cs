namespace Recovery.AuthServer.Storage;

/// <summary>Customers and their credentials. Mutations of credentials are atomic and named after their purpose.</summary>
public interface ICustomerStore
{
    /// <summary>Adds a customer with initial credentials unless one with that id exists; false if it did.</summary>
    Task<bool> AddIfAbsentAsync(CustomerRecord customer, CredentialRecord credentials, CancellationToken cancellationToken);

    Task<CustomerRecord?> GetAsync(string customerId, CancellationToken cancellationToken);

    Task<CustomerRecord?> FindByUserCodeAsync(string userCode, CancellationToken cancellationToken);

    Task<CustomerRecord?> FindByCardAsync(string panHash, CancellationToken cancellationToken);

    Task<CredentialRecord?> GetCredentialsAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>Counts a wrong password; at <paramref name="maxFailures"/> consecutive ones the credentials block.</summary>
    Task<LoginFailure> RecordLoginFailureAsync(string customerId, int maxFailures, CancellationToken cancellationToken);

    /// <summary>Resets the failure count; stores <paramref name="upgradedHash"/> when the hash was upgraded.</summary>
    Task RecordLoginSuccessAsync(string customerId, string? upgradedHash, CancellationToken cancellationToken);

    /// <summary>
    /// A confirmed recovery: unblocks, clears failures, retires the password into the history and installs
    /// a temporary one. Returns the new version.
    /// </summary>
    Task<long> RestoreWithTemporaryPasswordAsync(string customerId, byte[] temporaryPasswordMac, DateTimeOffset expiresAt, int historyDepth, CancellationToken cancellationToken);

    /// <summary>Puts a signed new password in force if the credentials are still at <paramref name="expectedVersion"/>.</summary>
    Task<bool> CommitPasswordAsync(string customerId, string passwordHash, long expectedVersion, int historyDepth, CancellationToken cancellationToken);

    /// <summary>
    /// Blocks the recovery procedure (not the login) for an escalating period, and at least until
    /// <paramref name="atLeastUntil"/> when given; returns until when.
    /// </summary>
    Task<DateTimeOffset> BlockRecoveryAsync(string customerId, DateTimeOffset now, TimeSpan firstBlock, TimeSpan maxBlock, CancellationToken cancellationToken, DateTimeOffset? atLeastUntil = null);
}
