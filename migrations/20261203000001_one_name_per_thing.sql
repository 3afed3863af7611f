-- One name per thing (expand step of a rename): IAM's memberships and grants belong to
-- user groups, custom policies are permission policies (the gateway's throttling, access
-- control and quota policies are other things), and bound domains belong to API groups.
--
-- Each table takes its new name, and a view under the old name stays for binaries of the
-- previous release that may still run beside this one: a view over one table is
-- automatically updatable, so their reads and writes (ON CONFLICT included) go on
-- unchanged. A later release drops the views and renames the constraints and indexes that
-- still carry the old names (the contract step).

ALTER TABLE group_members RENAME TO user_group_members;
CREATE VIEW group_members AS SELECT * FROM user_group_members;

ALTER TABLE group_grants RENAME TO user_group_grants;
CREATE VIEW group_grants AS SELECT * FROM user_group_grants;

ALTER TABLE custom_policies RENAME TO permission_policies;
CREATE VIEW custom_policies AS SELECT * FROM permission_policies;

ALTER TABLE group_domains RENAME TO api_group_domains;
CREATE VIEW group_domains AS SELECT * FROM api_group_domains;
