// Generated from sync/protocol.py by `flask kin export-constants`. Do not edit: run it again.
// tests/cli/test_export_constants.py fails when this file is stale.
export const protocol = 1;
export const maxOps = 500;
export const maxBatchBytes = 1000000;
export const maxPullLimit = 1000;
export const maxDriftMs = 3600000;
export const actions = [
  "upsert",
  "delete"
];
export const statuses = [
  "applied",
  "duplicate",
  "rejected",
  "conflict"
];
export const settled = [
  "applied",
  "conflict",
  "duplicate"
];
export const entities = {
  "relationship": {
    "kind": "Entity",
    "name": "relationship",
    "fields": {
      "voter_id": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Ref",
          "target": "voter"
        },
        "owner": "volunteer",
        "null": false,
        "required": true,
        "fixed": true
      },
      "source": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Choice",
          "values": [
            "match",
            "search",
            "door"
          ]
        },
        "owner": "volunteer",
        "null": false,
        "required": true,
        "fixed": true
      },
      "kind": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Choice",
          "values": [
            "family",
            "friend",
            "coworker",
            "neighbour",
            "other"
          ]
        },
        "owner": "volunteer",
        "null": true,
        "required": false,
        "fixed": false
      },
      "closeness": {
        "kind": "FieldSpec",
        "type": {
          "kind": "IntRange",
          "lo": 1,
          "hi": 5
        },
        "owner": "volunteer",
        "null": true,
        "required": false,
        "fixed": false
      },
      "notes": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Text",
          "max_len": 2000
        },
        "owner": "volunteer",
        "null": false,
        "required": false,
        "fixed": false
      }
    },
    "creator": "volunteer",
    "exactly_one": [],
    "only_with": [],
    "keyed_by": null
  },
  "conversation": {
    "kind": "Entity",
    "name": "conversation",
    "fields": {
      "relationship_id": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Ref",
          "target": "relationship"
        },
        "owner": "volunteer",
        "null": true,
        "required": false,
        "fixed": true
      },
      "voter_id": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Ref",
          "target": "voter"
        },
        "owner": "volunteer",
        "null": true,
        "required": false,
        "fixed": true
      },
      "channel": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Choice",
          "values": [
            "in_person",
            "door",
            "call",
            "text",
            "other"
          ]
        },
        "owner": "volunteer",
        "null": false,
        "required": true,
        "fixed": false
      },
      "happened_at": {
        "kind": "FieldSpec",
        "type": {
          "kind": "DateTime"
        },
        "owner": "volunteer",
        "null": false,
        "required": true,
        "fixed": false
      },
      "support": {
        "kind": "FieldSpec",
        "type": {
          "kind": "IntRange",
          "lo": 1,
          "hi": 5
        },
        "owner": "volunteer",
        "null": true,
        "required": false,
        "fixed": false
      },
      "issue_tags": {
        "kind": "FieldSpec",
        "type": {
          "kind": "ListOf",
          "item": {
            "kind": "IssueTag"
          },
          "max_items": 20
        },
        "owner": "volunteer",
        "null": false,
        "required": false,
        "fixed": false
      },
      "registered": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Bool"
        },
        "owner": "volunteer",
        "null": true,
        "required": false,
        "fixed": false
      },
      "vote_method": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Choice",
          "values": [
            "early_in_person",
            "election_day",
            "mail",
            "undecided"
          ]
        },
        "owner": "volunteer",
        "null": true,
        "required": false,
        "fixed": false
      },
      "vote_on": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Date"
        },
        "owner": "volunteer",
        "null": true,
        "required": false,
        "fixed": false
      },
      "notes": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Text",
          "max_len": 5000
        },
        "owner": "volunteer",
        "null": false,
        "required": false,
        "fixed": false
      },
      "follow_up_on": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Date"
        },
        "owner": "volunteer",
        "null": true,
        "required": false,
        "fixed": false
      },
      "reviewed": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Bool"
        },
        "owner": "organizer",
        "null": false,
        "required": false,
        "fixed": false
      },
      "review_reply": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Text",
          "max_len": 2000
        },
        "owner": "organizer",
        "null": false,
        "required": false,
        "fixed": false
      },
      "flagged_for_follow_up": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Bool"
        },
        "owner": "organizer",
        "null": false,
        "required": false,
        "fixed": false
      }
    },
    "creator": "volunteer",
    "exactly_one": [
      "relationship_id",
      "voter_id"
    ],
    "only_with": [],
    "keyed_by": null
  },
  "door_visit": {
    "kind": "Entity",
    "name": "door_visit",
    "fields": {
      "household_id": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Ref",
          "target": "household"
        },
        "owner": "volunteer",
        "null": false,
        "required": true,
        "fixed": true
      },
      "voter_id": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Ref",
          "target": "voter"
        },
        "owner": "volunteer",
        "null": true,
        "required": false,
        "fixed": true
      },
      "result": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Choice",
          "values": [
            "talked",
            "not_home",
            "refused",
            "come_back",
            "moved",
            "inaccessible",
            "wrong_address",
            "deceased"
          ]
        },
        "owner": "volunteer",
        "null": false,
        "required": true,
        "fixed": false
      },
      "come_back_at": {
        "kind": "FieldSpec",
        "type": {
          "kind": "DateTime"
        },
        "owner": "volunteer",
        "null": true,
        "required": false,
        "fixed": false
      },
      "happened_at": {
        "kind": "FieldSpec",
        "type": {
          "kind": "DateTime"
        },
        "owner": "volunteer",
        "null": false,
        "required": true,
        "fixed": false
      },
      "literature_left": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Bool"
        },
        "owner": "volunteer",
        "null": false,
        "required": false,
        "fixed": false
      },
      "support": {
        "kind": "FieldSpec",
        "type": {
          "kind": "IntRange",
          "lo": 1,
          "hi": 5
        },
        "owner": "volunteer",
        "null": true,
        "required": false,
        "fixed": false
      },
      "issue_tags": {
        "kind": "FieldSpec",
        "type": {
          "kind": "ListOf",
          "item": {
            "kind": "IssueTag"
          },
          "max_items": 20
        },
        "owner": "volunteer",
        "null": false,
        "required": false,
        "fixed": false
      },
      "notes": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Text",
          "max_len": 5000
        },
        "owner": "volunteer",
        "null": false,
        "required": false,
        "fixed": false
      },
      "person_first_name": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Text",
          "max_len": 100
        },
        "owner": "volunteer",
        "null": false,
        "required": false,
        "fixed": false
      },
      "person_last_name": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Text",
          "max_len": 100
        },
        "owner": "volunteer",
        "null": false,
        "required": false,
        "fixed": false
      },
      "person_phone": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Text",
          "max_len": 40
        },
        "owner": "volunteer",
        "null": false,
        "required": false,
        "fixed": false
      },
      "person_email": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Text",
          "max_len": 320
        },
        "owner": "volunteer",
        "null": false,
        "required": false,
        "fixed": false
      },
      "agreed_to": {
        "kind": "FieldSpec",
        "type": {
          "kind": "ListOf",
          "item": {
            "kind": "Choice",
            "values": [
              "stay_in_touch",
              "shared_card",
              "invited"
            ]
          },
          "max_items": 3
        },
        "owner": "volunteer",
        "null": false,
        "required": false,
        "fixed": false
      },
      "answers": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Answers",
          "max_items": 50
        },
        "owner": "volunteer",
        "null": false,
        "required": false,
        "fixed": false
      },
      "corrected_house_number": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Text",
          "max_len": 40
        },
        "owner": "volunteer",
        "null": false,
        "required": false,
        "fixed": false
      },
      "corrected_street": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Text",
          "max_len": 200
        },
        "owner": "volunteer",
        "null": false,
        "required": false,
        "fixed": false
      },
      "corrected_unit": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Text",
          "max_len": 60
        },
        "owner": "volunteer",
        "null": false,
        "required": false,
        "fixed": false
      }
    },
    "creator": "volunteer",
    "exactly_one": [],
    "only_with": [
      {
        "kind": "OnlyWith",
        "field": "come_back_at",
        "other": "result",
        "values": [
          "come_back"
        ]
      },
      {
        "kind": "OnlyWith",
        "field": "answers",
        "other": "result",
        "values": [
          "talked"
        ]
      },
      {
        "kind": "OnlyWith",
        "field": "person_first_name",
        "other": "voter_id",
        "values": [
          null
        ]
      },
      {
        "kind": "OnlyWith",
        "field": "person_last_name",
        "other": "voter_id",
        "values": [
          null
        ]
      },
      {
        "kind": "OnlyWith",
        "field": "person_phone",
        "other": "voter_id",
        "values": [
          null
        ]
      },
      {
        "kind": "OnlyWith",
        "field": "person_email",
        "other": "voter_id",
        "values": [
          null
        ]
      },
      {
        "kind": "OnlyWith",
        "field": "corrected_house_number",
        "other": "result",
        "values": [
          "wrong_address",
          "talked"
        ]
      },
      {
        "kind": "OnlyWith",
        "field": "corrected_street",
        "other": "result",
        "values": [
          "wrong_address",
          "talked"
        ]
      },
      {
        "kind": "OnlyWith",
        "field": "corrected_unit",
        "other": "result",
        "values": [
          "wrong_address",
          "talked"
        ]
      }
    ],
    "keyed_by": null
  },
  "contact_preference": {
    "kind": "Entity",
    "name": "contact_preference",
    "fields": {
      "voter_id": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Ref",
          "target": "voter"
        },
        "owner": "anyone",
        "null": false,
        "required": true,
        "fixed": true
      },
      "no_contact": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Bool"
        },
        "owner": "anyone",
        "null": false,
        "required": false,
        "fixed": false
      },
      "no_text": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Bool"
        },
        "owner": "anyone",
        "null": false,
        "required": false,
        "fixed": false
      },
      "no_call": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Bool"
        },
        "owner": "anyone",
        "null": false,
        "required": false,
        "fixed": false
      },
      "no_email": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Bool"
        },
        "owner": "anyone",
        "null": false,
        "required": false,
        "fixed": false
      },
      "no_door": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Bool"
        },
        "owner": "anyone",
        "null": false,
        "required": false,
        "fixed": false
      },
      "recorded_from": {
        "kind": "FieldSpec",
        "type": {
          "kind": "Choice",
          "values": [
            "door",
            "person",
            "console"
          ]
        },
        "owner": "anyone",
        "null": false,
        "required": true,
        "fixed": false
      },
      "recorded_at": {
        "kind": "FieldSpec",
        "type": {
          "kind": "DateTime"
        },
        "owner": "anyone",
        "null": false,
        "required": true,
        "fixed": false
      }
    },
    "creator": "anyone",
    "exactly_one": [],
    "only_with": [],
    "keyed_by": "voter_id"
  }
};
