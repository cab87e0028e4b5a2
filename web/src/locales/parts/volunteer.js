// 志愿服务 (issue 18): the organizers' pages (/volunteer, a team, an activity, its QR screen) and
// the member's (/me/volunteer: upcoming activities, sign-up, check-in, hours, certificates).
export default {
  'zh-CN': {
    volunteer: {
      menu: '志愿服务',
      title: '志愿服务',
      intro: '企业党组织和园区的志愿服务队：发布活动、招募报名、扫码签到、确认服务时长。确认的时长计入党员积分，党员可下载志愿服务证明。',
      teams: '志愿服务队', none: '还没有志愿服务队', export: '导出志愿服务队',
      create: '新建志愿服务队', created: '志愿服务队已新建',
      f: {
        name: '队伍名称', owner: '归属', org: '所属党组织', orgId: '党组织编号', park: '所属园区', intro: '简介', members: '队员', activities: '活动', hours: '服务时长（小时）',
        title: '活动名称', day: '日期', time: '时间', start: '开始时间', end: '结束时间', place: '地点', places: '招募人数', left: '剩余名额',
        actHours: '服务时长（小时，默认为活动时长）', state: '状态', person: '姓名', signed: '报名时间', checkedIn: '签到', confirmed: '确认时长', from: '自', until: '至',
        teamsN: '参加队伍', people: '服务人数',
      },
      owner: { org: '党组织', park: '园区' },
      state: { open: '招募中', cancelled: '已取消' },
      unit: '{h} 小时',
      figures: '服务时长统计', byMember: '按党员', byTeam: '按队伍', exportFigures: '导出统计',
      team: {
        back: '返回志愿服务队列表', members: '队员', activities: '活动', newActivity: '发布活动', published: '活动已发布',
        noMembers: '还没有队员', noActivities: '还没有活动',
      },
      act: {
        back: '返回队伍', signups: '报名与签到', noSignups: '还没有人报名', qr: '签到二维码', cancel: '取消活动', cancelReason: '取消原因',
        cancelled: '活动已取消', confirmAll: '确认全部签到人员的时长', confirmOne: '确认', confirmedN: '已确认 {n} 人的服务时长',
        notChecked: '未签到', checked: '已签到', hoursHint: '只有签到的志愿者可确认时长，每人只确认一次；确认后计入积分。',
      },
      qr: { title: '志愿服务签到', hint: '请用手机扫码签到（二维码定时更换）', count: '已签到 {n} / 报名 {m} 人', alt: '志愿服务活动签到二维码' },
      mine: {
        menu: '我的志愿服务',
        title: '志愿服务',
        intro: '近期的志愿服务活动，报名参加；到场后扫组织者出示的二维码签到，组织者确认时长后计入积分，可下载服务证明。',
        upcoming: '近期活动', noUpcoming: '近期没有招募中的活动', left: '剩余 {n} 个名额', full: '已报满',
        signup: '报名', signedUp: '已报名', cancel: '取消报名', signedOk: '报名成功', cancelledOk: '已取消报名',
        mine: '我参加的活动', noMine: '还没有参加过活动', hours: '累计服务时长 {h} 小时', waiting: '待确认时长', cert: '下载服务证明',
        teams: '志愿服务队', join: '加入', joined: '已加入', joinedOk: '已加入志愿服务队',
        checkinOk: '签到成功', checkinRefused: '未能签到', scanHint: '到达活动现场后，扫描组织者出示的二维码签到。', notRegistered: '您的账号还没有关联党员名册中的记录，暂不能报名。',
      },
    },
  },
  en: {
    volunteer: {
      menu: 'Volunteering',
      title: 'Volunteering',
      intro: 'Volunteer teams of enterprises\' party organizations and parks: activities, sign-up, QR check-in and confirmed hours. Confirmed hours earn points; members download certificates.',
      teams: 'Volunteer teams', none: 'No volunteer teams yet', export: 'Export teams',
      create: 'New team', created: 'Team created',
      f: {
        name: 'Team name', owner: 'Owner', org: 'Organization', orgId: 'Organization number', park: 'Park', intro: 'Introduction', members: 'Members', activities: 'Activities', hours: 'Hours',
        title: 'Activity', day: 'Day', time: 'Time', start: 'Start', end: 'End', place: 'Place', places: 'Places', left: 'Places left',
        actHours: 'Hours (default: the activity\'s length)', state: 'State', person: 'Name', signed: 'Signed up', checkedIn: 'Check-in', confirmed: 'Hours confirmed', from: 'From', until: 'Until',
        teamsN: 'Teams', people: 'Volunteers',
      },
      owner: { org: 'Organization', park: 'Park' },
      state: { open: 'Open', cancelled: 'Cancelled' },
      unit: '{h} h',
      figures: 'Volunteer hours', byMember: 'By member', byTeam: 'By team', exportFigures: 'Export figures',
      team: {
        back: 'Back to the teams', members: 'Members', activities: 'Activities', newActivity: 'New activity', published: 'Activity published',
        noMembers: 'No members yet', noActivities: 'No activities yet',
      },
      act: {
        back: 'Back to the team', signups: 'Sign-ups and check-ins', noSignups: 'Nobody signed up yet', qr: 'Check-in QR code', cancel: 'Cancel activity', cancelReason: 'Reason',
        cancelled: 'Activity cancelled', confirmAll: 'Confirm the hours of everyone checked in', confirmOne: 'Confirm', confirmedN: 'Hours confirmed for {n}',
        notChecked: 'Not checked in', checked: 'Checked in', hoursHint: 'Only volunteers who checked in get hours, each confirmed once; confirmed hours earn points.',
      },
      qr: { title: 'Volunteer check-in', hint: 'Scan with your phone to check in (the code changes regularly)', count: '{n} of {m} checked in', alt: 'Volunteer activity check-in QR code' },
      mine: {
        menu: 'My volunteering',
        title: 'Volunteering',
        intro: 'Upcoming volunteer activities to sign up for; scan the organizer\'s QR code on site to check in; confirmed hours earn points and a certificate.',
        upcoming: 'Upcoming activities', noUpcoming: 'No open activities', left: '{n} places left', full: 'Full',
        signup: 'Sign up', signedUp: 'Signed up', cancel: 'Cancel sign-up', signedOk: 'Signed up', cancelledOk: 'Sign-up cancelled',
        mine: 'My activities', noMine: 'No activities yet', hours: '{h} hours in total', waiting: 'Hours not confirmed yet', cert: 'Download certificate',
        teams: 'Volunteer teams', join: 'Join', joined: 'Joined', joinedOk: 'Joined the team',
        checkinOk: 'Checked in', checkinRefused: 'Check-in refused', scanHint: 'On site, scan the organizer\'s QR code to check in.', notRegistered: 'Your account is not linked to a member record yet, so you cannot sign up.',
      },
    },
  },
}
