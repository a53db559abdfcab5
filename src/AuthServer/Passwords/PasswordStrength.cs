namespace Recovery.AuthServer.Passwords;

/// <summary>The five levels of the meter, weakest first.</summary>
public enum PasswordStrength
{
    VeryWeak = 1,
    Weak = 2,
    Medium = 3,
    Strong = 4,
    VeryStrong = 5,
}
