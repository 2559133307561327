-- 0008_advisories.sql — vulnerability advisories against units' assets:
-- the inventory, name aliases, the approved-applications register,
-- advisories (CISA KEV and our own), remediation items and the deadlines.
-- Vendor and product keys are advisory_key() forms: "exchange_server".

CREATE TABLE vendor_aliases (
  alias  TEXT PRIMARY KEY,
  vendor TEXT NOT NULL
);

-- vendor '*': the product name alone is enough ("FortiGate", "Exchange").
-- One alias may name several products ("FortiOS and FortiProxy").
CREATE TABLE product_aliases (
  vendor       TEXT NOT NULL,
  alias        TEXT NOT NULL,
  canon_vendor TEXT NOT NULL,
  product      TEXT NOT NULL,
  PRIMARY KEY (vendor, alias, canon_vendor, product)
);

CREATE TABLE assets (
  id         INTEGER PRIMARY KEY,
  unit_id    INTEGER NOT NULL REFERENCES units(id),
  name       TEXT NOT NULL,            -- host name or label
  vendor     TEXT,
  product    TEXT NOT NULL,
  version    TEXT,
  cpe        TEXT,
  canon      TEXT NOT NULL,            -- "vendor:product" after aliases
  exposure   TEXT NOT NULL CHECK (exposure IN ('internet', 'internal')),
  owner      TEXT,                     -- who answers for it (email or phone)
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (unit_id, name, canon)
);
CREATE INDEX assets_canon ON assets(canon);

CREATE TABLE approved_apps (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,           -- the application as people call it
  vendor      TEXT NOT NULL,
  canon       TEXT NOT NULL UNIQUE,
  min_version TEXT,                    -- oldest version still allowed
  source      TEXT,                    -- the official download source
  notes       TEXT,                    -- how to use it safely
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE advisories (
  id              INTEGER PRIMARY KEY,
  ref             TEXT NOT NULL UNIQUE, -- our id, else the CVE
  cve             TEXT,
  title           TEXT NOT NULL,
  vendor          TEXT NOT NULL,
  product         TEXT NOT NULL,
  description     TEXT,
  required_action TEXT,
  notes           TEXT,
  source          TEXT,
  severity        TEXT CHECK (severity IN ('critical', 'high', 'medium', 'low')),
  exploited       INTEGER NOT NULL DEFAULT 0,
  ransomware      INTEGER NOT NULL DEFAULT 0,
  due_days        INTEGER,
  kev_due         TEXT,                 -- KEV dueDate, YYYY-MM-DD
  published       TEXT,
  in_kev          INTEGER NOT NULL DEFAULT 0,
  in_local        INTEGER NOT NULL DEFAULT 0,
  kev_hash        TEXT,                 -- of the entry as last imported: re-import
  local_hash      TEXT,                 -- of an unchanged entry writes nothing
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE INDEX advisories_cve ON advisories(cve);

CREATE TABLE advisory_products (
  id          INTEGER PRIMARY KEY,
  advisory_id INTEGER NOT NULL REFERENCES advisories(id) ON DELETE CASCADE,
  vendor      TEXT NOT NULL,            -- as written
  product     TEXT NOT NULL,
  ranges      TEXT NOT NULL DEFAULT '[]' -- JSON array of ranges; [] every version
);
CREATE INDEX advisory_products_advisory ON advisory_products(advisory_id);

-- One vulnerability request per (advisory, unit).
CREATE TABLE advisory_requests (
  advisory_id  INTEGER NOT NULL REFERENCES advisories(id),
  unit_id      INTEGER NOT NULL REFERENCES units(id),
  request_id   INTEGER NOT NULL UNIQUE REFERENCES requests(id),
  due          TEXT NOT NULL,
  reminded_at  TEXT,
  escalated_at TEXT,
  PRIMARY KEY (advisory_id, unit_id)
);

-- One remediation item per (advisory, asset).
CREATE TABLE remediation (
  id             INTEGER PRIMARY KEY,
  advisory_id    INTEGER NOT NULL REFERENCES advisories(id),
  asset_id       INTEGER REFERENCES assets(id) ON DELETE SET NULL,
  asset_name     TEXT NOT NULL,         -- kept when the asset is removed
  unit_id        INTEGER NOT NULL REFERENCES units(id),
  request_id     INTEGER NOT NULL REFERENCES requests(id),
  state          TEXT NOT NULL CHECK (state IN ('open', 'answered', 'closed')),
  version        TEXT,                  -- the asset's version when matched
  answer         TEXT CHECK (answer IN ('patched', 'mitigated', 'not_affected')),
  answer_text    TEXT,
  answer_version TEXT,
  resolution     TEXT CHECK (resolution IN ('accepted', 'fixed', 'asset_removed')),
  review_text    TEXT,
  due            TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  closed_at      TEXT,
  UNIQUE (advisory_id, asset_id)
);
CREATE INDEX remediation_unit ON remediation(unit_id, state);
CREATE INDEX remediation_request ON remediation(request_id);
CREATE INDEX remediation_asset ON remediation(asset_id);

-- Local deadlines in days by severity (KEV entries without one count as
-- high), how many days before a deadline the reminder goes out, and
-- whether an advisory without version ranges (a KEV entry no advisory of
-- ours refines) covers every version of its products (1) or none (0).
CREATE TABLE advisory_config (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO advisory_config(key, value) VALUES
  ('deadline.critical', 7), ('deadline.high', 14), ('deadline.medium', 30),
  ('deadline.low', 90), ('remind_days', 2), ('match_unranged', 1);

INSERT INTO vendor_aliases(alias, vendor) VALUES
  ('fortinet_inc', 'fortinet'),
  ('microsoft_corporation', 'microsoft'), ('microsoft_corp', 'microsoft'), ('ms', 'microsoft'),
  ('zoom_video_communications', 'zoom'), ('zoom_video_communications_inc', 'zoom'),
  ('zoom_communications', 'zoom'),
  ('paloaltonetworks', 'palo_alto_networks'), ('palo_alto', 'palo_alto_networks'),
  ('cisco_systems', 'cisco'), ('cisco_systems_inc', 'cisco'),
  ('apache_software_foundation', 'apache'), ('the_apache_software_foundation', 'apache'),
  ('google_llc', 'google'), ('apple_inc', 'apple'),
  ('oracle_corporation', 'oracle'), ('adobe_inc', 'adobe'), ('adobe_systems', 'adobe'),
  ('vmware_inc', 'vmware'), ('broadcom_vmware', 'vmware'),
  ('citrix_systems', 'citrix'), ('cloud_software_group', 'citrix'),
  ('pulse_secure', 'ivanti'), ('ivanti_inc', 'ivanti'),
  ('f5_networks', 'f5'), ('sonicwall_inc', 'sonicwall'),
  ('atlassian_corporation', 'atlassian'), ('trendmicro', 'trend_micro'),
  ('trend_micro_inc', 'trend_micro'), ('juniper_networks', 'juniper'),
  ('progress_software', 'progress'), ('solarwinds_worldwide', 'solarwinds'),
  ('zyxel_communications', 'zyxel'), ('dlink', 'd_link'), ('d_link_corporation', 'd_link'),
  ('netgear_inc', 'netgear'), ('qnap_systems', 'qnap'), ('mozilla_foundation', 'mozilla'),
  ('samsung_electronics', 'samsung'), ('zohocorp', 'zoho'), ('zoho_corporation', 'zoho'),
  ('redhat', 'red_hat'), ('linux_foundation', 'linux'), ('the_linux_kernel', 'linux'),
  ('sap_se', 'sap'), ('ibm_corporation', 'ibm'), ('qualcomm_inc', 'qualcomm');

INSERT INTO product_aliases(vendor, alias, canon_vendor, product) VALUES
  -- Fortinet: FortiGate appliances run FortiOS; KEV joins products with "and"
  ('fortinet', 'fortigate', 'fortinet', 'fortios'),
  ('fortinet', 'fortigate_firewall', 'fortinet', 'fortios'),
  ('fortinet', 'fortios_ssl_vpn', 'fortinet', 'fortios'),
  ('fortinet', 'fortiproxy_ssl_vpn', 'fortinet', 'fortiproxy'),
  ('fortinet', 'fortios_and_fortiproxy', 'fortinet', 'fortios'),
  ('fortinet', 'fortios_and_fortiproxy', 'fortinet', 'fortiproxy'),
  ('fortinet', 'fortios_and_fortiproxy_ssl_vpn', 'fortinet', 'fortios'),
  ('fortinet', 'fortios_and_fortiproxy_ssl_vpn', 'fortinet', 'fortiproxy'),
  ('fortinet', 'fortios_and_fortiadc', 'fortinet', 'fortios'),
  ('fortinet', 'fortios_and_fortiadc', 'fortinet', 'fortiadc'),
  ('*', 'fortigate', 'fortinet', 'fortios'),
  ('*', 'fortios', 'fortinet', 'fortios'),
  ('*', 'fortiproxy', 'fortinet', 'fortiproxy'),
  ('*', 'fortiweb', 'fortinet', 'fortiweb'),
  ('*', 'fortimanager', 'fortinet', 'fortimanager'),
  ('*', 'forticlient_ems', 'fortinet', 'forticlient_ems'),
  -- Microsoft Exchange and its usual names
  ('microsoft', 'exchange', 'microsoft', 'exchange_server'),
  ('microsoft', 'microsoft_exchange', 'microsoft', 'exchange_server'),
  ('microsoft', 'microsoft_exchange_server', 'microsoft', 'exchange_server'),
  ('microsoft', 'exchange_server_2013', 'microsoft', 'exchange_server'),
  ('microsoft', 'exchange_server_2016', 'microsoft', 'exchange_server'),
  ('microsoft', 'exchange_server_2019', 'microsoft', 'exchange_server'),
  ('*', 'exchange_server', 'microsoft', 'exchange_server'),
  ('*', 'microsoft_exchange', 'microsoft', 'exchange_server'),
  ('*', 'microsoft_exchange_server', 'microsoft', 'exchange_server'),
  ('microsoft', 'microsoft_teams', 'microsoft', 'teams'),
  ('*', 'microsoft_teams', 'microsoft', 'teams'),
  ('microsoft', 'sharepoint_server', 'microsoft', 'sharepoint'),
  ('microsoft', 'sharepoint', 'microsoft', 'sharepoint'),
  ('microsoft', 'office', 'microsoft', 'office'),
  ('microsoft', 'microsoft_office', 'microsoft', 'office'),
  -- Zoom: CPE names the client zoom:meetings (older zoom:zoom)
  ('zoom', 'zoom', 'zoom', 'meetings'),
  ('zoom', 'zoom_client', 'zoom', 'meetings'),
  ('zoom', 'zoom_meetings', 'zoom', 'meetings'),
  ('zoom', 'zoom_cloud_meeting', 'zoom', 'meetings'),
  ('zoom', 'zoom_cloud_meetings', 'zoom', 'meetings'),
  ('zoom', 'zoom_workplace', 'zoom', 'meetings'),
  ('zoom', 'workplace', 'zoom', 'meetings'),
  ('*', 'zoom', 'zoom', 'meetings'),
  ('*', 'zoom_cloud_meeting', 'zoom', 'meetings'),
  ('*', 'zoom_cloud_meetings', 'zoom', 'meetings'),
  -- other names the KEV catalog and CPE dictionary spell differently
  ('palo_alto_networks', 'pan_os', 'palo_alto_networks', 'pan_os'),
  ('*', 'pan_os', 'palo_alto_networks', 'pan_os'),
  ('ivanti', 'connect_secure', 'ivanti', 'connect_secure'),
  ('ivanti', 'pulse_connect_secure', 'ivanti', 'connect_secure'),
  ('ivanti', 'connect_secure_and_policy_secure', 'ivanti', 'connect_secure'),
  ('ivanti', 'connect_secure_and_policy_secure', 'ivanti', 'policy_secure'),
  ('citrix', 'netscaler_adc', 'citrix', 'netscaler_adc'),
  ('citrix', 'adc', 'citrix', 'netscaler_adc'),
  ('citrix', 'application_delivery_controller_adc', 'citrix', 'netscaler_adc'),
  ('citrix', 'netscaler_adc_and_netscaler_gateway', 'citrix', 'netscaler_adc'),
  ('citrix', 'netscaler_adc_and_netscaler_gateway', 'citrix', 'netscaler_gateway'),
  ('vmware', 'vcenter', 'vmware', 'vcenter_server'),
  ('vmware', 'esxi', 'vmware', 'esxi'),
  ('apache', 'http_server', 'apache', 'http_server'),
  ('apache', 'httpd', 'apache', 'http_server'),
  ('apache', 'log4j', 'apache', 'log4j'),
  ('apache', 'log4j2', 'apache', 'log4j'),
  ('google', 'chrome', 'google', 'chrome'),
  ('google', 'chromium', 'google', 'chrome'),
  ('google', 'chromium_v8', 'google', 'chrome'),
  ('*', 'google_chrome', 'google', 'chrome'),
  ('*', 'ultraviewer', 'duc_fabulous', 'ultraviewer'),
  ('*', 'teamviewer', 'teamviewer', 'teamviewer'),
  ('*', 'anydesk', 'anydesk', 'anydesk');
