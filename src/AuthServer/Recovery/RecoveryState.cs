namespace Recovery.AuthServer.Recovery;

public enum RecoveryState
{
    Open,
    Completed,
    Blocked,
}
