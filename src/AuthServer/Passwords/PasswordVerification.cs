namespace Recovery.AuthServer.Passwords;

public enum PasswordVerification
{
    Failed,
    Success,

    /// <summary>Right password, but hashed with weaker parameters or an older pepper: store a new hash.</summary>
    SuccessRehashNeeded,
}
