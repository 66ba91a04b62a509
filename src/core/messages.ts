/** The message bodies the relay posts to WeCom. */

export interface RobotMarkdownBody {
  msgtype: 'markdown';
  markdown: { content: string };
}

export interface RobotTextBody {
  msgtype: 'text';
  text: { content: string; mentioned_list?: string[]; mentioned_mobile_list?: string[] };
}

export type RobotBody = RobotMarkdownBody | RobotTextBody;

/** An app message without its addressing (touser/toparty/totag/agentid): the client adds those. */
export type AppBody =
  | { msgtype: 'markdown'; markdown: { content: string } }
  | { msgtype: 'text'; text: { content: string } }
  | { msgtype: 'textcard'; textcard: { title: string; description: string; url: string; btntxt?: string } };

export type WecomBody = RobotBody | AppBody;
