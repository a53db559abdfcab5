namespace Recovery.AuthServer.Storage;

public enum RecoveryState
{
    Open,
    Completed,
    Blocked,
}
