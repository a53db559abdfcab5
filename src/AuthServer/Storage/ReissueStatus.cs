namespace Recovery.AuthServer.Storage;

public enum ReissueStatus
{
    Reissued,
    TooSoon,
    LimitReached,
    NotActive,
    NotFound,
}
