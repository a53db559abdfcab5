namespace Recovery.AuthServer.Storage;

public interface IRecoveryStore
{
    Task CreateAsync(RecoveryRecord recovery, CancellationToken cancellationToken);

    Task<RecoveryRecord?> GetAsync(string recoveryId, CancellationToken cancellationToken);

    Task SetStateAsync(string recoveryId, RecoveryState state, CancellationToken cancellationToken);
}
