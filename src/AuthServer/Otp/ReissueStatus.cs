namespace Recovery.AuthServer.Otp;

public enum ReissueStatus
{
    Reissued,
    TooSoon,
    LimitReached,
    NotActive,
    NotFound,
}
