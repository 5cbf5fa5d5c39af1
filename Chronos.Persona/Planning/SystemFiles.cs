using System.Globalization;
using System.Text;
using Chronos.Persona.Model;

namespace Chronos.Persona.Planning;

/// <summary>
/// The text of the files seeding writes as real files, each a pure function of the world. The
/// formats are the ones passwd(5), shadow(5), group(5), gshadow(5), hosts(5), os-release(5),
/// resolv.conf(5), fstab(5), crontab(5) and deb-status(5) define; comments are our own.
/// </summary>
public static class SystemFiles
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Passwd(Model.Persona p) =>
        string.Concat(p.Users.Select(u => $"{u.Name}:x:{u.Uid}:{u.Gid}:{u.Gecos}:{u.Home}:{u.Shell}\n"));

    public static string Shadow(WorldContext w) =>
        string.Concat(w.Persona.Users.Select(u =>
        {
            var lastChange = u.LastChange > 0 ? u.LastChange : w.MachineIdDays;
            return $"{u.Name}:{u.Hash}:{lastChange}:0:99999:7:::\n";
        }));

    public static string Group(Model.Persona p) =>
        string.Concat(p.Groups.Select(g => $"{g.Name}:x:{g.Gid}:{string.Join(',', g.Members)}\n"));

    public static string Gshadow(Model.Persona p) =>
        string.Concat(p.Groups.Select(g => $"{g.Name}:{(g.Gid >= 1000 ? "!" : "*")}::{string.Join(',', g.Members)}\n"));

    public static string Hostname(Model.Persona p) => p.Hostname + "\n";

    public static string Hosts(WorldContext w)
    {
        var p = w.Persona;
        var s = new StringBuilder();
        if (p.IsDebian)
        {
            s.Append("127.0.0.1\tlocalhost\n");
            s.Append(Inv, $"{w.PrimaryAddress}\t{p.Fqdn}\t{p.Hostname}\n");
            foreach (var peer in p.Network.Peers)
            {
                s.Append(Inv, $"{peer.Address}\t{string.Join('\t', peer.Names)}\n");
            }
            s.Append("\n# IPv6\n::1     localhost ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n");
        }
        else
        {
            s.Append("127.0.0.1 localhost\n");
            s.Append(Inv, $"127.0.1.1 {p.Fqdn} {p.Hostname}\n");
            foreach (var peer in p.Network.Peers)
            {
                s.Append(Inv, $"{peer.Address} {string.Join(' ', peer.Names)}\n");
            }
            s.Append("\n# IPv6\n::1 ip6-localhost ip6-loopback\nfe00::0 ip6-localnet\nff00::0 ip6-mcastprefix\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\nff02::3 ip6-allhosts\n");
        }
        return s.ToString();
    }

    public static string OsRelease(Model.Persona p)
    {
        var o = p.Os;
        var s = new StringBuilder();
        s.Append(Inv, $"PRETTY_NAME=\"{o.PrettyName}\"\nNAME=\"{o.Name}\"\nVERSION_ID=\"{o.VersionId}\"\nVERSION=\"{o.Version}\"\nVERSION_CODENAME={o.VersionCodename}\nID={o.Id}\n");
        if (o.IdLike is not null)
        {
            s.Append(Inv, $"ID_LIKE={o.IdLike}\n");
        }
        s.Append(Inv, $"HOME_URL=\"{o.HomeUrl}\"\nSUPPORT_URL=\"{o.SupportUrl}\"\nBUG_REPORT_URL=\"{o.BugReportUrl}\"\n");
        if (o.PrivacyPolicyUrl is not null)
        {
            s.Append(Inv, $"PRIVACY_POLICY_URL=\"{o.PrivacyPolicyUrl}\"\n");
        }
        if (o.UbuntuCodename is not null)
        {
            s.Append(Inv, $"UBUNTU_CODENAME={o.UbuntuCodename}\n");
        }
        if (o.Logo is not null)
        {
            s.Append(Inv, $"LOGO={o.Logo}\n");
        }
        return s.ToString();
    }

    public static string? LsbRelease(Model.Persona p) => p.Os.LsbDescription is null ? null :
        $"DISTRIB_ID={p.Os.Name}\nDISTRIB_RELEASE={p.Os.VersionId}\nDISTRIB_CODENAME={p.Os.VersionCodename}\nDISTRIB_DESCRIPTION=\"{p.Os.LsbDescription}\"\n";

    public static string DebianVersion(Model.Persona p) => p.Os.DebianVersion + "\n";

    /// <summary>/etc/issue: agetty expands \n (node name) and \l (tty).</summary>
    public static string Issue(Model.Persona p) => (p.IsDebian ? $"{p.Os.Name} {p.Os.VersionId}" : p.Os.PrettyName) + " \\n \\l\n\n";

    public static string IssueNet(Model.Persona p) => (p.IsDebian ? $"{p.Os.Name} {p.Os.VersionId}" : p.Os.PrettyName) + "\n";

    /// <summary>The operators' own banner (every persona's admins wrote one), after Debian's licence notice on Debian.</summary>
    public static string Motd(Model.Persona p)
    {
        var s = new StringBuilder();
        if (p.IsDebian)
        {
            s.Append("\nThe programs included with the Debian GNU/Linux system are free software;\n");
            s.Append("the exact distribution terms for each program are described in the\n");
            s.Append("individual files in /usr/share/doc/*/copyright.\n\n");
            s.Append("Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent\n");
            s.Append("permitted by applicable law.\n");
        }
        s.Append(Inv, $"\n  {p.Fqdn}\n  {p.Description}\n\n  Authorized use only. Sessions on this host are logged.\n\n");
        return s.ToString();
    }

    public static string MachineId(WorldContext w) => w.MachineId + "\n";

    public static string ResolvConf(Model.Persona p)
    {
        var s = new StringBuilder();
        if (p.Network.Nameservers.SequenceEqual(["127.0.0.53"]))
        {
            s.Append("# Generated by systemd-resolved(8) for glibc; the real upstream servers are\n# listed by `resolvectl status`. Local changes are overwritten.\n\n");
            s.Append("nameserver 127.0.0.53\noptions edns0 trust-ad\n");
            if (p.Network.Search.Count > 0)
            {
                s.Append(Inv, $"search {string.Join(' ', p.Network.Search)}\n");
            }
            return s.ToString();
        }
        s.Append(Inv, $"domain {p.Domain}\n");
        if (p.Network.Search.Count > 0)
        {
            s.Append(Inv, $"search {string.Join(' ', p.Network.Search)}\n");
        }
        foreach (var ns in p.Network.Nameservers)
        {
            s.Append(Inv, $"nameserver {ns}\n");
        }
        return s.ToString();
    }

    public static string Fstab(WorldContext w)
    {
        var r = w.Random("fstab");
        if (!w.Persona.IsDebian)
        {
            return $"LABEL=cloudimg-rootfs\t/\t ext4\tdiscard,errors=remount-ro\t0 1\nLABEL=UEFI\t/boot/efi\tvfat\tumask=0077\t0 1\n";
        }
        string Uuid() => $"{r.Hex(8)}-{r.Hex(4)}-{r.Hex(4)}-{r.Hex(4)}-{r.Hex(12)}";
        return "# /etc/fstab: static file system information. See fstab(5).\n#\n" +
               "# <file system> <mount point>   <type>  <options>       <dump>  <pass>\n" +
               $"UUID={Uuid()} /               ext4    errors=remount-ro 0       1\n" +
               $"UUID={r.Hex(4).ToUpperInvariant()}-{r.Hex(4).ToUpperInvariant()}  /boot/efi       vfat    umask=0077      0       1\n" +
               $"UUID={Uuid()} /var/lib/postgresql xfs defaults,noatime 0       2\n" +
               $"UUID={Uuid()} none            swap    sw              0       0\n";
    }

    public static string TimeZone(Model.Persona p) => p.TimeZone + "\n";

    public static string SystemCrontab(Model.Persona p)
    {
        var s = new StringBuilder();
        s.Append("# System-wide crontab. Unlike user crontabs, lines here and in /etc/cron.d\n");
        s.Append("# carry a user name field. Edit in place; cron notices the change.\n\n");
        s.Append("SHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin\n\n");
        s.Append("# m h dom mon dow user\tcommand\n");
        s.Append("17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly\n");
        s.Append("25 6\t* * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }\n");
        s.Append("47 6\t* * 7\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.weekly; }\n");
        s.Append("52 6\t1 * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.monthly; }\n#\n");
        return s.ToString();
    }

    public static string CronDFile(IEnumerable<CronJob> jobs) =>
        "SHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin\n\n" +
        string.Concat(jobs.Select(j => $"{j.Schedule} {j.User} {j.Command}\n"));

    /// <summary>A spool crontab as crontab(1) installs it: its three-line header, then the user's lines.</summary>
    public static string UserCrontab(IEnumerable<CronJob> jobs, DateTimeOffset installed, string tempName) =>
        "# DO NOT EDIT THIS FILE - edit the master and reinstall.\n" +
        $"# (/tmp/crontab.{tempName}/crontab installed on {installed.UtcDateTime.ToString("ddd MMM d HH:mm:ss yyyy", Inv)})\n" +
        "# (Cron version -- $Id: crontab.c,v 2.13 1994/01/17 03:20:37 vixie Exp $)\n" +
        "# m h  dom mon dow   command\n" +
        string.Concat(jobs.Select(j => $"{j.Schedule} {j.Command}\n"));

    /// <summary>/var/lib/dpkg/status, one stanza per package, sorted by name as dpkg keeps it.</summary>
    public static string DpkgStatus(WorldContext w)
    {
        var r = w.Random("dpkg-status");
        var maintainer = w.Persona.IsDebian ? "Debian Developers <debian-devel@lists.debian.org>" : "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>";
        var s = new StringBuilder();
        foreach (var pkg in w.Persona.Packages.OrderBy(k => k.Name, StringComparer.Ordinal))
        {
            var priority = pkg.Section is "admin" or "shells" or "libs" or "utils" ? "required" : "optional";
            s.Append(Inv, $"Package: {pkg.Name}\nStatus: install ok installed\nPriority: {priority}\nSection: {pkg.Section}\n");
            s.Append(Inv, $"Installed-Size: {r.Next(40, 12000)}\nMaintainer: {maintainer}\nArchitecture: {pkg.Arch}\n");
            if (pkg.Arch != "all")
            {
                s.Append("Multi-Arch: foreign\n");
            }
            s.Append(Inv, $"Version: {pkg.Version}\nDescription: {pkg.Description}\n\n");
        }
        return s.ToString();
    }

    public static string NetworkConfig(Model.Persona p)
    {
        var s = new StringBuilder();
        if (p.IsDebian)
        {
            s.Append("# Interfaces and how to bring them up; see interfaces(5).\n\nsource /etc/network/interfaces.d/*\n\nauto lo\niface lo inet loopback\n");
            foreach (var nic in p.Network.Interfaces)
            {
                s.Append(Inv, $"\nauto {nic.Name}\niface {nic.Name} inet static\n\taddress {nic.Addresses[0]}\n");
                if (nic.Gateway is not null)
                {
                    s.Append(Inv, $"\tgateway {nic.Gateway}\n");
                }
            }
            return s.ToString();
        }
        s.Append("# Written by cloud-init from the datasource's network configuration.\nnetwork:\n    ethernets:\n");
        foreach (var nic in p.Network.Interfaces.Where(n => !n.Name.StartsWith("docker", StringComparison.Ordinal)))
        {
            s.Append(Inv, $"        {nic.Name}:\n            addresses:\n");
            foreach (var a in nic.Addresses)
            {
                s.Append(Inv, $"            - {a}\n");
            }
            s.Append(Inv, $"            match:\n                macaddress: {nic.Mac}\n            set-name: {nic.Name}\n");
            if (nic.Gateway is not null)
            {
                s.Append(Inv, $"            routes:\n            -   to: default\n                via: {nic.Gateway}\n");
            }
        }
        s.Append("    version: 2\n");
        return s.ToString();
    }

    /// <summary>sshd_config as the distribution ships it for this OpenSSH version, with password logins on.</summary>
    public static string SshdConfig(Model.Persona p)
    {
        var s = new StringBuilder();
        s.Append(Inv, $"# sshd server configuration ({p.Ssh.OpenSshVersion}); see sshd_config(5).\n");
        s.Append("# Options left commented show the compiled-in default.\n\n");
        s.Append("Include /etc/ssh/sshd_config.d/*.conf\n\n");
        s.Append(Inv, $"{(p.Ssh.Port == 22 ? "#" : "")}Port {p.Ssh.Port}\n#AddressFamily any\n#ListenAddress 0.0.0.0\n#ListenAddress ::\n\n");
        s.Append("#HostKey /etc/ssh/ssh_host_rsa_key\n#HostKey /etc/ssh/ssh_host_ecdsa_key\n#HostKey /etc/ssh/ssh_host_ed25519_key\n\n");
        s.Append("#SyslogFacility AUTH\n#LogLevel INFO\n\n#LoginGraceTime 2m\n#PermitRootLogin prohibit-password\n#StrictModes yes\n#MaxAuthTries 6\n#MaxSessions 10\n\n");
        s.Append("#PubkeyAuthentication yes\n#AuthorizedKeysFile\t.ssh/authorized_keys .ssh/authorized_keys2\n\n");
        s.Append("# Password logins stay on: the admins and the deploy jobs use them.\nPasswordAuthentication yes\n#PermitEmptyPasswords no\n\n");
        s.Append(p.Ssh.OpenSshVersion == "8.9p1" ? "KbdInteractiveAuthentication no\n\n" : "KbdInteractiveAuthentication no\n\n");
        s.Append("UsePAM yes\n\n#AllowAgentForwarding yes\n#AllowTcpForwarding yes\n#GatewayPorts no\nX11Forwarding yes\n#X11DisplayOffset 10\n#PrintMotd yes\nPrintMotd no\n#PrintLastLog yes\n#TCPKeepAlive yes\n#UseDNS no\n\n");
        s.Append("# Let clients pass locale variables.\nAcceptEnv LANG LC_*\n\n");
        s.Append("# Override the default of no subsystems.\nSubsystem\tsftp\t/usr/lib/openssh/sftp-server\n");
        return s.ToString();
    }

    public static string BashRc(bool root)
    {
        var s = new StringBuilder();
        s.Append("# ~/.bashrc: read by bash(1) for non-login shells.\n\n");
        s.Append("# Nothing to do when not running interactively.\ncase $- in\n    *i*) ;;\n      *) return;;\nesac\n\n");
        s.Append("# History: no duplicates or space-prefixed lines, append rather than overwrite.\nHISTCONTROL=ignoreboth\nshopt -s histappend\nHISTSIZE=1000\nHISTFILESIZE=2000\n\n");
        s.Append("shopt -s checkwinsize\n\n[ -x /usr/bin/lesspipe ] && eval \"$(SHELL=/bin/sh lesspipe)\"\n\n");
        s.Append("if [ -z \"${debian_chroot:-}\" ] && [ -r /etc/debian_chroot ]; then\n    debian_chroot=$(cat /etc/debian_chroot)\nfi\n\n");
        s.Append(root
            ? "PS1='${debian_chroot:+($debian_chroot)}\\u@\\h:\\w\\$ '\n\n"
            : "case \"$TERM\" in\n    xterm-color|*-256color) color_prompt=yes;;\nesac\n\nif [ \"$color_prompt\" = yes ]; then\n    PS1='${debian_chroot:+($debian_chroot)}\\[\\033[01;32m\\]\\u@\\h\\[\\033[00m\\]:\\[\\033[01;34m\\]\\w\\[\\033[00m\\]\\$ '\nelse\n    PS1='${debian_chroot:+($debian_chroot)}\\u@\\h:\\w\\$ '\nfi\nunset color_prompt\n\n");
        s.Append("if [ -x /usr/bin/dircolors ]; then\n    test -r ~/.dircolors && eval \"$(dircolors -b ~/.dircolors)\" || eval \"$(dircolors -b)\"\n    alias ls='ls --color=auto'\n    alias grep='grep --color=auto'\nfi\n\n");
        s.Append("alias ll='ls -alF'\nalias la='ls -A'\nalias l='ls -CF'\n\n");
        s.Append("if [ -f ~/.bash_aliases ]; then\n    . ~/.bash_aliases\nfi\n\n");
        s.Append("if ! shopt -oq posix; then\n  if [ -f /usr/share/bash-completion/bash_completion ]; then\n    . /usr/share/bash-completion/bash_completion\n  elif [ -f /etc/bash_completion ]; then\n    . /etc/bash_completion\n  fi\nfi\n");
        return s.ToString();
    }

    public static string Profile(bool root) => root
        ? "# ~/.profile: read by login shells.\n\nif [ \"$BASH\" ]; then\n  if [ -f ~/.bashrc ]; then\n    . ~/.bashrc\n  fi\nfi\n\nmesg n 2> /dev/null || true\n"
        : "# ~/.profile: read by login shells when ~/.bash_profile and ~/.bash_login are absent.\n# The default umask is set in /etc/profile.\n\nif [ -n \"$BASH_VERSION\" ]; then\n    if [ -f \"$HOME/.bashrc\" ]; then\n\t. \"$HOME/.bashrc\"\n    fi\nfi\n\n# Private bin directories, when present.\nif [ -d \"$HOME/bin\" ] ; then\n    PATH=\"$HOME/bin:$PATH\"\nfi\nif [ -d \"$HOME/.local/bin\" ] ; then\n    PATH=\"$HOME/.local/bin:$PATH\"\nfi\n";

    public static string BashLogout => "# ~/.bash_logout: run when a login shell exits.\n\n# Clear the screen on leaving the console, for privacy.\nif [ \"$SHLVL\" = 1 ]; then\n    [ -x /usr/bin/clear_console ] && /usr/bin/clear_console -q\nfi\n";
}
