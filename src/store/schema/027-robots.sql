-- 027-robots.sql: group robots (core/robot.c) are webhooks with a message
-- format: 'salespm' (the signed event JSON of 025), or the group robot of
-- WeCom, DingTalk or Feishu, each sent in its own message format. For a robot
-- the secret column holds the signing secret pasted from the robot's settings
-- (DingTalk 加签 SEC..., Feishu 签名校验), '' when it has none (WeCom never
-- has one: its key is in the URL). project_id, when set, lets only the events
-- of that project's records through (a group chat follows one project); lang
-- is the language of the messages.

ALTER TABLE webhooks ADD COLUMN format TEXT NOT NULL DEFAULT 'salespm'
  CHECK (format IN ('salespm', 'wecom', 'dingtalk', 'feishu'));
ALTER TABLE webhooks ADD COLUMN project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE;
ALTER TABLE webhooks ADD COLUMN lang TEXT NOT NULL DEFAULT 'zh-CN' CHECK (lang IN ('zh-CN', 'en'));
