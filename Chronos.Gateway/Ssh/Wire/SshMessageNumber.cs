namespace Chronos.Gateway.Ssh.Wire;

/// <summary>
/// Message numbers, spelled as the RFCs spell them so the code greps against the spec
/// (RFC 4250 §4.1, RFC 4253 §12, RFC 4252 §6, RFC 4254 §9, RFC 8308 §2.3, RFC 5656 §7.1, RFC 4419 §5).
/// </summary>
internal static class SshMessageNumber
{
    public const byte SSH_MSG_DISCONNECT = 1;
    public const byte SSH_MSG_IGNORE = 2;
    public const byte SSH_MSG_UNIMPLEMENTED = 3;
    public const byte SSH_MSG_DEBUG = 4;
    public const byte SSH_MSG_SERVICE_REQUEST = 5;
    public const byte SSH_MSG_SERVICE_ACCEPT = 6;
    public const byte SSH_MSG_EXT_INFO = 7;
    public const byte SSH_MSG_KEXINIT = 20;
    public const byte SSH_MSG_NEWKEYS = 21;
    public const byte SSH_MSG_KEX_ECDH_INIT = 30;
    public const byte SSH_MSG_KEX_ECDH_REPLY = 31;
    public const byte SSH_MSG_KEXDH_INIT = 30;
    public const byte SSH_MSG_KEXDH_REPLY = 31;
    public const byte SSH_MSG_KEX_DH_GEX_REQUEST_OLD = 30;
    public const byte SSH_MSG_KEX_DH_GEX_GROUP = 31;
    public const byte SSH_MSG_KEX_DH_GEX_INIT = 32;
    public const byte SSH_MSG_KEX_DH_GEX_REPLY = 33;
    public const byte SSH_MSG_KEX_DH_GEX_REQUEST = 34;
    public const byte SSH_MSG_USERAUTH_REQUEST = 50;
    public const byte SSH_MSG_USERAUTH_FAILURE = 51;
    public const byte SSH_MSG_USERAUTH_SUCCESS = 52;
    public const byte SSH_MSG_USERAUTH_BANNER = 53;
    public const byte SSH_MSG_USERAUTH_PK_OK = 60;
    public const byte SSH_MSG_USERAUTH_INFO_REQUEST = 60;
    public const byte SSH_MSG_USERAUTH_INFO_RESPONSE = 61;
    public const byte SSH_MSG_GLOBAL_REQUEST = 80;
    public const byte SSH_MSG_REQUEST_SUCCESS = 81;
    public const byte SSH_MSG_REQUEST_FAILURE = 82;
    public const byte SSH_MSG_CHANNEL_OPEN = 90;
    public const byte SSH_MSG_CHANNEL_OPEN_CONFIRMATION = 91;
    public const byte SSH_MSG_CHANNEL_OPEN_FAILURE = 92;
    public const byte SSH_MSG_CHANNEL_WINDOW_ADJUST = 93;
    public const byte SSH_MSG_CHANNEL_DATA = 94;
    public const byte SSH_MSG_CHANNEL_EXTENDED_DATA = 95;
    public const byte SSH_MSG_CHANNEL_EOF = 96;
    public const byte SSH_MSG_CHANNEL_CLOSE = 97;
    public const byte SSH_MSG_CHANNEL_REQUEST = 98;
    public const byte SSH_MSG_CHANNEL_SUCCESS = 99;
    public const byte SSH_MSG_CHANNEL_FAILURE = 100;

    /// <summary>OpenSSH's PROTOCOL file, "ping@openssh.com".</summary>
    public const byte SSH2_MSG_PING = 192;
    public const byte SSH2_MSG_PONG = 193;
}

/// <summary>Disconnect reason codes (RFC 4253 §11.1).</summary>
internal static class SshDisconnectReason
{
    public const uint SSH_DISCONNECT_PROTOCOL_ERROR = 2;
    public const uint SSH_DISCONNECT_KEY_EXCHANGE_FAILED = 3;
    public const uint SSH_DISCONNECT_MAC_ERROR = 5;
    public const uint SSH_DISCONNECT_SERVICE_NOT_AVAILABLE = 7;
    public const uint SSH_DISCONNECT_BY_APPLICATION = 11;
    public const uint SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE = 14;
}

/// <summary>Channel open failure reason codes (RFC 4254 §5.1).</summary>
internal static class SshOpenFailureReason
{
    public const uint SSH_OPEN_ADMINISTRATIVELY_PROHIBITED = 1;
    public const uint SSH_OPEN_CONNECT_FAILED = 2;
    public const uint SSH_OPEN_UNKNOWN_CHANNEL_TYPE = 3;
    public const uint SSH_OPEN_RESOURCE_SHORTAGE = 4;
}
