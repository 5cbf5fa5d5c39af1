using System.Globalization;
using System.Text;
using Chronos.Persona.Planning;

namespace Chronos.Persona.Generation;

/// <summary>
/// Configuration files in the persona's terms (its hostname, addresses, sites, databases and the
/// world's secrets). Each has a natural length, which the plan declares as the file's size.
/// </summary>
internal static class ConfigTexts
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string NginxMain(GhostRequest r) =>
        "user www-data;\nworker_processes auto;\npid /run/nginx.pid;\ninclude /etc/nginx/modules-enabled/*.conf;\n\n" +
        "events {\n\tworker_connections 768;\n}\n\nhttp {\n\tsendfile on;\n\ttcp_nopush on;\n\ttypes_hash_max_size 2048;\n\tserver_tokens off;\n\tclient_max_body_size 64m;\n\n" +
        "\tinclude /etc/nginx/mime.types;\n\tdefault_type application/octet-stream;\n\n\tssl_protocols TLSv1.2 TLSv1.3;\n\tssl_prefer_server_ciphers on;\n\n" +
        "\taccess_log /var/log/nginx/access.log;\n\terror_log /var/log/nginx/error.log;\n\n\tgzip on;\n\tgzip_types text/plain text/css application/json application/javascript text/xml application/xml;\n\n" +
        "\tinclude /etc/nginx/conf.d/*.conf;\n\tinclude /etc/nginx/sites-enabled/*;\n}\n";

    public static string NginxSite(GhostRequest r)
    {
        var p = r.World.Persona;
        var site = p.Sites.FirstOrDefault(s => r.FileName == s.ServerName) ?? p.Sites.FirstOrDefault();
        if (r.FileName == "nginx.conf" || site is null)
        {
            return NginxMain(r);
        }
        var php = p.Services.FirstOrDefault(s => s.Kind == "php-fpm")?.Version ?? "8.1";
        var names = string.Join(' ', new[] { site.ServerName }.Concat(site.Aliases));
        return $"server {{\n\tlisten 80;\n\tlisten [::]:80;\n\tserver_name {names};\n\treturn 301 https://{site.ServerName}$request_uri;\n}}\n\n" +
               $"server {{\n\tlisten 443 ssl http2;\n\tlisten [::]:443 ssl http2;\n\tserver_name {names};\n\n\troot {site.Root};\n\tindex index.php index.html;\n\n" +
               $"\tssl_certificate /etc/letsencrypt/live/{site.ServerName}/fullchain.pem;\n\tssl_certificate_key /etc/letsencrypt/live/{site.ServerName}/privkey.pem;\n\n" +
               "\tlocation / {\n\t\ttry_files $uri $uri/ /index.php?$args;\n\t}\n\n" +
               $"\tlocation ~ \\.php$ {{\n\t\tinclude snippets/fastcgi-php.conf;\n\t\tfastcgi_pass unix:/run/php/php{php}-fpm.sock;\n\t}}\n\n" +
               "\tlocation ~ /\\.(?!well-known) {\n\t\tdeny all;\n\t}\n\n\tlocation = /xmlrpc.php {\n\t\tdeny all;\n\t}\n}\n";
    }

    public static string PhpFpmPool(GhostRequest r)
    {
        var php = r.World.Persona.Services.FirstOrDefault(s => s.Kind == "php-fpm")?.Version ?? "8.1";
        return "; Pool for the WordPress site. Values tuned for a 4 GB VM.\n[www]\nuser = www-data\ngroup = www-data\n\n" +
               $"listen = /run/php/php{php}-fpm.sock\nlisten.owner = www-data\nlisten.group = www-data\n\n" +
               "pm = dynamic\npm.max_children = 24\npm.start_servers = 6\npm.min_spare_servers = 4\npm.max_spare_servers = 8\npm.max_requests = 500\n\n" +
               "request_terminate_timeout = 120s\nslowlog = /var/log/php-fpm-slow.log\nrequest_slowlog_timeout = 10s\n\n" +
               "php_admin_value[memory_limit] = 256M\nphp_admin_value[upload_max_filesize] = 64M\nphp_admin_value[post_max_size] = 64M\nphp_admin_flag[log_errors] = on\n";
    }

    public static string MyCnf(GhostRequest r)
    {
        if (r.FileName == "debian.cnf")
        {
            var pw = r.World.Secrets.MysqlDebianSysMaint;
            return "# Written by the mysql-server package. Do not touch!\n[client]\nhost     = localhost\nuser     = debian-sys-maint\n" +
                   $"password = {pw}\nsocket   = /var/run/mysqld/mysqld.sock\n[mysql_upgrade]\nhost     = localhost\nuser     = debian-sys-maint\npassword = {pw}\nsocket   = /var/run/mysqld/mysqld.sock\n";
        }
        return "#\n# The MySQL database server configuration file.\n#\n[mysqld]\nuser\t\t= mysql\npid-file\t= /var/run/mysqld/mysqld.pid\nsocket\t\t= /var/run/mysqld/mysqld.sock\n" +
               "port\t\t= 3306\ndatadir\t\t= /var/lib/mysql\n\nbind-address\t\t= 127.0.0.1\nmysqlx-bind-address\t= 127.0.0.1\n\n" +
               "key_buffer_size\t\t= 16M\nmax_allowed_packet\t= 64M\nthread_stack\t\t= 256K\nmax_connections\t\t= 150\n\n" +
               "innodb_buffer_pool_size = 1G\ninnodb_log_file_size = 256M\n\nlog_error = /var/log/mysql/error.log\nslow_query_log = 1\nslow_query_log_file = /var/log/mysql/mysql-slow.log\nlong_query_time = 2\n" +
               "max_binlog_size   = 100M\n";
    }

    public static string PostgresqlConf(GhostRequest r)
    {
        var p = r.World.Persona;
        var listen = string.Join(',', new[] { "localhost" }.Concat(p.Network.Interfaces.Select(n => n.Addresses[0].Split('/')[0])));
        return "# PostgreSQL 15 configuration for the primary.\n# Changes need a reload (pg_ctlcluster 15 main reload) unless marked (restart).\n\n" +
               "data_directory = '/var/lib/postgresql/15/main'\nhba_file = '/etc/postgresql/15/main/pg_hba.conf'\nident_file = '/etc/postgresql/15/main/pg_ident.conf'\nexternal_pid_file = '/var/run/postgresql/15-main.pid'\n\n" +
               $"listen_addresses = '{listen}'\t\t# (restart)\nport = 5432\nmax_connections = 200\nunix_socket_directories = '/var/run/postgresql'\n\n" +
               "ssl = on\nssl_cert_file = '/etc/ssl/certs/ssl-cert-snakeoil.pem'\nssl_key_file = '/etc/ssl/private/ssl-cert-snakeoil.key'\n\n" +
               "shared_buffers = 8GB\neffective_cache_size = 24GB\nwork_mem = 32MB\nmaintenance_work_mem = 1GB\n\n" +
               "wal_level = replica\nmax_wal_senders = 10\nwal_keep_size = 2GB\narchive_mode = on\narchive_command = 'test ! -f /var/lib/postgresql/wal_archive/%f && cp %p /var/lib/postgresql/wal_archive/%f'\n\n" +
               "log_line_prefix = '%m [%p] %q%u@%d '\nlog_min_duration_statement = 1000\nlog_checkpoints = on\nlog_timezone = '" + p.TimeZone + "'\n\n" +
               "cluster_name = '15/main'\ndatestyle = 'iso, mdy'\ntimezone = '" + p.TimeZone + "'\nlc_messages = 'en_US.UTF-8'\ndefault_text_search_config = 'pg_catalog.english'\n\ninclude_dir = 'conf.d'\n";
    }

    public static string PgHba(GhostRequest r)
    {
        var p = r.World.Persona;
        var s = new StringBuilder("# PostgreSQL client authentication; see pg_hba.conf in the PostgreSQL manual.\n# Order matters: the first matching line decides.\n\n");
        s.Append("# TYPE  DATABASE        USER            ADDRESS                 METHOD\n\n");
        s.Append("local   all             postgres                                peer\n");
        s.Append("local   all             all                                     peer\n");
        s.Append("host    all             all             127.0.0.1/32            scram-sha-256\n");
        s.Append("host    all             all             ::1/128                 scram-sha-256\n");
        foreach (var peer in p.Network.Peers)
        {
            foreach (var db in p.Databases)
            {
                s.Append(Inv, $"host    {db.Name,-15} {db.Owner,-15} {peer.Address + "/32",-23} scram-sha-256\n");
            }
        }
        s.Append("host    replication     replicator      172.16.40.11/32         scram-sha-256\n");
        return s.ToString();
    }

    public static string WpConfig(GhostRequest r)
    {
        var w = r.World;
        var db = w.Persona.Databases.FirstOrDefault(d => d.Engine == "mysql");
        var salts = w.Secrets.WpSalts;
        string[] names = ["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"];
        var s = new StringBuilder("<?php\n/**\n * Site configuration: database, keys and salts, table prefix.\n */\n\n");
        s.Append(Inv, $"define( 'DB_NAME', '{db?.Name ?? "wordpress"}' );\n");
        s.Append(Inv, $"define( 'DB_USER', '{db?.Owner ?? "wordpress"}' );\n");
        s.Append(Inv, $"define( 'DB_PASSWORD', '{w.Secrets.DatabasePassword(db?.Owner ?? "")}' );\n");
        s.Append("define( 'DB_HOST', 'localhost' );\ndefine( 'DB_CHARSET', 'utf8mb4' );\ndefine( 'DB_COLLATE', '' );\n\n");
        for (var i = 0; i < names.Length; i++)
        {
            s.Append(Inv, $"define( '{names[i]}',{new string(' ', 17 - names[i].Length)}'{salts[i].Replace("'", "", StringComparison.Ordinal)}' );\n");
        }
        s.Append("\n$table_prefix = 'wp_';\n\ndefine( 'WP_DEBUG', false );\ndefine( 'DISALLOW_FILE_EDIT', true );\ndefine( 'FS_METHOD', 'direct' );\n");
        s.Append(Inv, $"define( 'WP_HOME', 'https://{w.Persona.Sites.FirstOrDefault()?.ServerName ?? w.Persona.Fqdn}' );\n");
        s.Append(Inv, $"define( 'WP_SITEURL', 'https://{w.Persona.Sites.FirstOrDefault()?.ServerName ?? w.Persona.Fqdn}' );\n\n");
        s.Append("if ( ! defined( 'ABSPATH' ) ) {\n\tdefine( 'ABSPATH', __DIR__ . '/' );\n}\n\nrequire_once ABSPATH . 'wp-settings.php';\n");
        return s.ToString();
    }

    /// <summary>.env of a project, or ~/.pgpass (hostname:port:database:username:password).</summary>
    public static string DotEnv(GhostRequest r)
    {
        var w = r.World;
        var p = w.Persona;
        if (r.FileName == ".pgpass")
        {
            return string.Concat(p.Databases.Select(d => $"localhost:5432:{d.Name}:{d.Owner}:{w.Secrets.DatabasePassword(d.Owner)}\n"));
        }
        var db = p.Databases.FirstOrDefault();
        var dbHost = p.HasService("postgresql") || p.HasService("mysql") ? "127.0.0.1" : "db.internal";
        return $"APP_ENV=production\nAPP_DEBUG=false\nAPP_URL=https://{p.Sites.FirstOrDefault()?.ServerName ?? p.Fqdn}\n\n" +
               $"DB_CONNECTION={(p.HasService("postgresql") ? "pgsql" : "mysql")}\nDB_HOST={dbHost}\nDB_PORT={(p.HasService("postgresql") ? 5432 : 3306)}\nDB_DATABASE={db?.Name ?? "app"}\nDB_USERNAME={db?.Owner ?? "app"}\nDB_PASSWORD={w.Secrets.DatabasePassword(db?.Owner ?? "")}\n\n" +
               $"AWS_ACCESS_KEY_ID={w.Secrets.AwsAccessKeyId}\nAWS_SECRET_ACCESS_KEY={w.Secrets.AwsSecretAccessKey}\nAWS_DEFAULT_REGION=eu-west-1\nAWS_BUCKET={p.Hostname}-assets\n\n" +
               $"SLACK_WEBHOOK_URL={w.Secrets.WebhookUrl}\n";
    }

    public static string RunnerConfig(GhostRequest r)
    {
        var w = r.World;
        var gitlab = w.Persona.Network.Peers.FirstOrDefault(k => k.Names.Any(n => n.StartsWith("gitlab", StringComparison.Ordinal)))?.Names[0] ?? "gitlab.com";
        return "concurrent = 4\ncheck_interval = 0\nshutdown_timeout = 0\n\n[session_server]\n  session_timeout = 1800\n\n" +
               $"[[runners]]\n  name = \"{w.Persona.Hostname}-docker\"\n  url = \"https://{gitlab}\"\n  id = {w.Random("runner").Next(100, 999)}\n  token = \"{w.Secrets.RunnerToken}\"\n  token_obtained_at = {WorldContext.Iso(w.InstalledAt.AddDays(2))}\n  token_expires_at = 0001-01-01T00:00:00Z\n  executor = \"docker\"\n" +
               "  [runners.cache]\n    MaxUploadedArchiveSize = 0\n  [runners.docker]\n    tls_verify = false\n    image = \"alpine:3.20\"\n    privileged = true\n    disable_entrypoint_overwrite = false\n    oom_kill_disable = false\n    disable_cache = false\n    volumes = [\"/cache\", \"/var/run/docker.sock:/var/run/docker.sock\"]\n    shm_size = 0\n    network_mtu = 0\n\n" +
               $"[[runners]]\n  name = \"{w.Persona.Hostname}-shell\"\n  url = \"https://{gitlab}\"\n  id = {w.Random("runner2").Next(100, 999)}\n  token = \"{w.Secrets.RunnerToken}\"\n  executor = \"shell\"\n";
    }

    public static string DockerConfig(GhostRequest r)
    {
        var w = r.World;
        var registry = w.Persona.Network.Peers.FirstOrDefault(k => k.Names.Any(n => n.StartsWith("registry", StringComparison.Ordinal)))?.Names[0] ?? "registry." + w.Persona.Domain;
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("ci-push:" + w.Secrets.RegistryPassword));
        return $"{{\n\t\"auths\": {{\n\t\t\"{registry}\": {{\n\t\t\t\"auth\": \"{auth}\"\n\t\t}}\n\t}}\n}}";
    }

    public static string BackupScript(GhostRequest r)
    {
        var w = r.World;
        var db = w.Persona.Databases.FirstOrDefault();
        return "#!/bin/bash\n# Nightly dump of the WordPress database, pushed to the backup host.\nset -euo pipefail\n\n" +
               $"STAMP=$(date +%F)\nDUMP=/var/backups/{db?.Name ?? "wordpress"}-$STAMP.sql\nREMOTE=\"{w.Secrets.BackupUrl}\"\n\n" +
               $"mysqldump --single-transaction --routines {db?.Name ?? "wordpress"} > \"$DUMP\"\n" +
               "find /var/backups -name '*.sql' -mtime +3 -delete\n" +
               "curl -sS --fail -T \"$DUMP\" \"$REMOTE/\" || logger -t backup-wordpress \"upload failed\"\n";
    }

    public static string KnownHosts(GhostRequest r)
    {
        var w = r.World;
        var s = new StringBuilder();
        foreach (var peer in w.Persona.Network.Peers)
        {
            var key = w.UserKey("peer:" + peer.Address, "host").PublicKeyLine.Split(' ');
            s.Append(Inv, $"{peer.Names[0]},{peer.Address} {key[0]} {key[1]}\n");
        }
        s.Append(Inv, $"github.com ssh-ed25519 {w.UserKey("peer:github.com", "host").PublicKeyLine.Split(' ')[1]}\n");
        return s.ToString();
    }

    public static string PrivateKey(GhostRequest r)
    {
        var owner = r.Owner?.Name ?? "root";
        return r.World.UserKey(owner, $"{owner}@{r.World.Persona.Hostname}").PrivateKeyFile;
    }
}
